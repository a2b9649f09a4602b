"""Every admin page under the name app/__init__.py registers (AdminPagesController).

A Router of the admin controllers, so that registering this one name serves them all.
To register them one by one instead, import AdminController, AdminStaffController,
AdminProfileController, AdminAccountsController, AdminTopicsController and
AdminReportsController there and drop
this module (never both).
"""

from __future__ import annotations

from litestar import Router

from app.admin.pages import AdminController
from app.admin.settings_pages import (
    AdminAccountsController,
    AdminProfileController,
    AdminTopicsController,
)
from app.admin.staff_pages import AdminReportsController, AdminStaffController

AdminPagesController = Router(
    path="/",
    route_handlers=[
        AdminController,
        AdminStaffController,
        AdminProfileController,
        AdminAccountsController,
        AdminTopicsController,
        AdminReportsController,
    ],
)
