"""Electronic signatures of reports: PAdES and detached GOST CMS, signing and verifying."""
