"""Set-up through the services: a placement brought to a state the way users do it."""

from meedoen.placements import services

from .conftest import END, START


def applied(w, *, student_user=None, vacancy=None):
    return services.placement_apply(
        by=student_user or w.student_user,
        vacancy=vacancy or w.vacancy,
        motivation="Ik help graag.",
        start_date=START,
        end_date=END,
    )


def accepted(w, **kwargs):
    return services.placement_accept(placement=applied(w, **kwargs), by=w.organisation)


def approved(w, **kwargs):
    return services.placement_approve(
        placement=accepted(w, **kwargs), by=w.coordinator, not_paid_work=True
    )


def issued(w, **kwargs):
    placement = approved(w, **kwargs)
    services.agreement_issue(placement=placement, by=w.coordinator)
    placement.refresh_from_db()
    return placement


def sign_all(w, tokens, placement):
    """Sign with every token, using the name each request expects."""
    from meedoen.placements.models import SignatureRequest

    for token in tokens:
        request = SignatureRequest.objects.get(token_hash=services.hash_token(token))
        services.agreement_sign(
            token=token, typed_name=request.name, confirmed=True, ip="192.0.2.10"
        )
    placement.refresh_from_db()
    return placement
