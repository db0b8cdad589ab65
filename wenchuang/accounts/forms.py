from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from wenchuang.accounts.models import AuditEvent


class OTPTokenForm(forms.Form):
    token = forms.RegexField(
        label="动态验证码",
        regex=r"^\d{6,8}$",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ClaimForm(forms.Form):
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    code = forms.CharField(label="认领邀请码", max_length=20)
    username = forms.CharField(label="用户名", max_length=150)
    email = forms.EmailField(label="电子邮箱", required=False)
    password1 = forms.CharField(
        label="密码", widget=forms.PasswordInput, help_text=password_validators_help_text_html
    )
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="用户名", required=False)
    event = forms.ChoiceField(label="事件", required=False, choices=[("", "全部"), *AuditEvent.Event.choices])
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *AuditEvent.Outcome.choices]
    )
    ip = forms.GenericIPAddressField(label="IP 地址", required=False)
    request_id = forms.CharField(label="请求ID", required=False)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
