from django.urls import path

from wenchuang.accounts import user_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("password/", views.password_change, name="password_change"),
    path("claim/", views.claim, name="claim"),
    path("invitations/", user_views.invitation_list, name="invitation_list"),
    path("invitations/<str:uscc>/", views.invitation_new, name="invitation_new"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/new/", user_views.user_new, name="user_new"),
    path("users/import/", user_views.user_import, name="user_import"),
    path("users/import/template.xlsx", user_views.user_import_template, name="user_import_template"),
    path("users/<int:pk>/", user_views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", user_views.user_active, name="user_active"),
    path("users/<int:pk>/password/", user_views.user_password_reset, name="user_password_reset"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
