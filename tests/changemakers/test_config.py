import pytest
from cryptography.fernet import Fernet

from changemakers import create_app
from changemakers.config import ConfigError, load_settings

SECRETS = {
    "SECRET_KEY": "s",
    "PSEUDONYM_KEY": "p",
    "CONTACT_KEY": Fernet.generate_key().decode(),
}
TWILIO = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM": "+447700900000"}
SERVED = {**SECRETS, "SMS_GATEWAY": "twilio", **TWILIO}  # all a served app needs


def test_missing_secrets_are_all_named():
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {})
    assert "SECRET_KEY, PSEUDONYM_KEY, CONTACT_KEY" in str(raised.value)


def test_create_app_refuses_to_start_without_a_secret(tmp_path):
    environ = {k: v for k, v in SECRETS.items() if k != "PSEUDONYM_KEY"}
    with pytest.raises(ConfigError, match="PSEUDONYM_KEY"):
        load_settings(environ, {})
    with pytest.raises(ConfigError, match="missing required setting"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "", "PSEUDONYM_KEY": ""})


def test_defaults_and_types():
    settings = load_settings({**SECRETS, "SMS_GATEWAY": "twilio", **TWILIO}, {})
    assert settings["QUIET_HOURS"] == "21:00-08:00"
    assert settings["RETENTION_DAYS"] == 30
    assert settings["SUPPRESSION_THRESHOLD"] == 10
    assert len(settings["CONTACT_KEYS"]) == 1


def test_environment_overrides_and_overrides_win():
    settings = load_settings(
        {**SECRETS, "SMS_GATEWAY": "twilio", **TWILIO, "RETENTION_DAYS": "7"},
        {"SUPPRESSION_THRESHOLD": "5"},
    )
    assert settings["RETENTION_DAYS"] == 7
    assert settings["SUPPRESSION_THRESHOLD"] == 5


def test_several_contact_keys_for_rotation():
    keys = ",".join([Fernet.generate_key().decode(), Fernet.generate_key().decode()])
    settings = load_settings({**SECRETS, "CONTACT_KEY": keys}, {"DEMO": True})
    assert len(settings["CONTACT_KEYS"]) == 2


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CONTACT_KEY", "not-a-fernet-key", "CONTACT_KEY must be Fernet keys"),
        ("SMS_GATEWAY", "carrier-pigeon", "SMS_GATEWAY must be one of console, twilio"),
        ("QUIET_HOURS", "9pm-8am", "QUIET_HOURS must look like 21:00-08:00"),
        ("RETENTION_DAYS", "a month", "RETENTION_DAYS must be a whole number"),
        ("SUPPRESSION_THRESHOLD", "0", "SUPPRESSION_THRESHOLD must be at least 1"),
        ("PUBLIC_BASE_URL", "example.org", "PUBLIC_BASE_URL must start with https://"),
        ("SMTP_STARTTLS", "maybe", "SMTP_STARTTLS must be true or false"),
        ("ALERT_SMS_TO", "on call", "ALERT_SMS_TO must be a phone number"),
        ("SMTP_PORT", "smtp", "SMTP_PORT must be a whole number"),
        ("ALERT_ESCALATE_MINUTES", "0", "ALERT_ESCALATE_MINUTES must be at least 1"),
        ("ALERT_THREAD_QUIET_HOURS", "two days", "ALERT_THREAD_QUIET_HOURS must be a whole"),
    ],
)
def test_malformed_settings_are_explained(name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({**SECRETS, name: value}, {})


def test_twilio_gateway_needs_its_credentials():
    with pytest.raises(ConfigError) as raised:
        load_settings({**SECRETS, "SMS_GATEWAY": "twilio"}, {})
    message = str(raised.value)
    assert "TWILIO_ACCOUNT_SID" in message
    assert "TWILIO_AUTH_TOKEN" in message
    assert "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM" in message


def test_alert_emails_need_a_sender_and_default_to_starttls():
    with pytest.raises(ConfigError, match="SMTP_HOST needs SMTP_FROM"):
        load_settings({**SERVED, "SMTP_HOST": "mail.example.org"}, {})
    settings = load_settings(
        {**SERVED, "SMTP_HOST": "mail.example.org", "SMTP_FROM": "desk@example.org"}, {}
    )
    assert (settings["SMTP_PORT"], settings["SMTP_STARTTLS"]) == (587, True)
    assert load_settings({**SERVED, "SMTP_STARTTLS": "False"}, {})["SMTP_STARTTLS"] is False


def test_the_on_call_phone_is_kept_in_e164():
    settings = load_settings({**SERVED, "ALERT_SMS_TO": "07700 900777"}, {})
    assert settings["ALERT_SMS_TO"] == "+447700900777"


def test_the_sms_gateway_has_no_default_outside_the_demo():
    with pytest.raises(ConfigError, match=r"SMS_GATEWAY is not set: set SMS_GATEWAY=twilio"):
        load_settings(SECRETS, {})
    assert load_settings(SECRETS, {"DEMO": True})["SMS_GATEWAY"] == "console"
    assert (
        load_settings({**SECRETS, "SMS_GATEWAY": "twilio", **TWILIO}, {"DEMO": True})["SMS_GATEWAY"]
        == "twilio"
    )


def test_the_console_gateway_is_refused_outside_the_demo_and_tests():
    with pytest.raises(ConfigError, match="SMS_GATEWAY=console takes unsigned webhooks"):
        load_settings({**SECRETS, "SMS_GATEWAY": "console"}, {})
    assert load_settings({**SECRETS, "SMS_GATEWAY": "console"}, {"TESTING": True})
