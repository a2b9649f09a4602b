"""The administrator's landing page is the admin overview of app.web.controllers.admin.

This name stays so that app/__init__.py, which registers AdminPagesController, keeps
working; once it registers AdminController directly this module can go.
"""

from __future__ import annotations

from app.web.controllers.admin import AdminController as AdminPagesController

__all__ = ["AdminPagesController"]
