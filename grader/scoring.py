"""Totals from check results: one deduction per mistake, subtotals per target, skips excluded."""
from .report import TargetScore


def _round(x):
    return round(float(x) + 0.0, 2)


def charge_once(checks):
    """One mistake, one deduction: failed checks of one target that name the same known mistake
    (the same hint) are one cause. The check that loses the most points keeps its deduction; the
    others keep their points and say where the mistake is charged (`same_mistake_as`)."""
    groups = {}
    for check in checks:
        if check.status == "fail" and check.hint:
            groups.setdefault((check.target, check.hint), []).append(check)
    for members in groups.values():
        charged = max(members, key=lambda c: c.max_points - c.points)
        for check in members:
            if check is not charged:
                check.points, check.same_mistake_as = check.max_points, charged.id
    return checks


def summarise(checks):
    """(score, max_score, [TargetScore]), the targets in the order they first appear."""
    targets = {}
    for check in checks:
        subtotal = targets.setdefault(check.target, TargetScore(check.target, 0.0, 0.0))
        if check.status != "skip":
            subtotal.score += check.points
            subtotal.max_score += check.max_points
    for subtotal in targets.values():
        subtotal.score, subtotal.max_score = _round(subtotal.score), _round(subtotal.max_score)
    return (_round(sum(t.score for t in targets.values())), _round(sum(t.max_score for t in targets.values())),
            list(targets.values()))
