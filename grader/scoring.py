"""Totals from check entries: points per check, subtotals per target, skips excluded."""


def _round(x):
    return round(float(x) + 0.0, 2)


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
