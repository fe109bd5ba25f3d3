"""Totals from check entries: one deduction per mistake, points per check, subtotals per
target, skips excluded."""


def _round(x):
    return round(float(x) + 0.0, 2)


def charge_once(checks):
    """One mistake, one deduction: failed checks of one target that name the same known mistake
    (the same hint) are one cause. The check that loses the most points keeps its deduction; the
    others keep their points and say where the mistake is charged (`same_mistake_as`)."""
    groups = {}
    for entry in checks:
        if entry["status"] == "fail" and entry.get("hint"):
            groups.setdefault((entry["target"], entry["hint"]), []).append(entry)
    for members in groups.values():
        charged = max(members, key=lambda c: c["max_points"] - c["points"])
        for entry in members:
            if entry is not charged:
                entry["points"] = entry["max_points"]
                entry["same_mistake_as"] = charged["id"]
    return checks


def summarise(checks):
    """(score, max_score, targets) where targets keep the order targets first appear in."""
    targets = {}
    for entry in checks:
        subtotal = targets.setdefault(entry["target"], {"target": entry["target"], "score": 0.0, "max_score": 0.0})
        if entry["status"] == "skip":
            continue
        subtotal["score"] += entry["points"]
        subtotal["max_score"] += entry["max_points"]
    for subtotal in targets.values():
        subtotal["score"], subtotal["max_score"] = _round(subtotal["score"]), _round(subtotal["max_score"])
    score = _round(sum(t["score"] for t in targets.values()))
    max_score = _round(sum(t["max_score"] for t in targets.values()))
    return score, max_score, list(targets.values())
