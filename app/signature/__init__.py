"""Electronic signatures of reports: PAdES and GOST R 34.10-2012 (detached CMS)."""
