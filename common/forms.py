from django import forms

from common.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: per field when it names fields, else on top."""
    field_errors = error.extra.get("errors")
    if isinstance(field_errors, dict):
        for field, messages in field_errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(field if field in form.fields else None, str(message))
        return
    form.add_error(None, str(error.message))
