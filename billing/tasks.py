"""Queued jobs of billing: thin, each loads by id and calls a service."""

from celery import shared_task

from payments.errors import PaymentUnavailable


@shared_task
def pay_due_distributions_task() -> int:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): payouts to make, waiting or to check."""
    from billing.services import pay_due_distributions

    return pay_due_distributions()


@shared_task(autoretry_for=(PaymentUnavailable,), retry_backoff=60, max_retries=10)
def settle_distribution_payouts_task(distribution_id: int) -> int:
    """After a correction: what was refunded is taken back from the payouts already made."""
    from billing.services import settle_distribution_payouts

    return len(settle_distribution_payouts(distribution_id=distribution_id))


@shared_task(autoretry_for=(PaymentUnavailable,), retry_backoff=60, max_retries=10)
def pay_account_owner_task(account_id: int) -> int:
    from billing.services import pay_account_owner

    return pay_account_owner(account_id=account_id)


@shared_task
def render_invoice_pdf_task(invoice_id: int) -> None:
    """After an issue: its PDF, made once and stored."""
    from billing.documents import invoice_pdf

    invoice_pdf(invoice_id)


@shared_task
def issue_due_invoices_task() -> int:
    """Every hour (CELERY_BEAT_SCHEDULE): invoices due to farms that accepted their mandate
    or completed their legal identity after the sale; the commission invoices of months
    just final, and credit notes for corrections made since."""
    from billing.commissions import issue_due_commissions
    from billing.invoicing import issue_due_invoices

    return issue_due_invoices() + issue_due_commissions()
