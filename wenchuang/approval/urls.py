from django.urls import path

from wenchuang.approval import views

app_name = "approval"

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("completeness/", views.completeness, name="completeness"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/send/", views.reminders_send, name="reminders_send"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
]
