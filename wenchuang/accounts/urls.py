from django.urls import path

from wenchuang.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("password/", views.password_change, name="password_change"),
    path("claim/", views.claim, name="claim"),
    path("invitations/<str:uscc>/", views.invitation_new, name="invitation_new"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
