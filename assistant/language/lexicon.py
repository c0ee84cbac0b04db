"""Word lists that several modules need, kept once: month and weekday names, speech verbs."""

from __future__ import annotations

import calendar

# Month names and abbreviations, lower-cased, with their number ("sept" is AP style).
MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
} | {"sept": 9}
# A regex alternative for any month name, longest first (use it case-insensitively) ...
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
# ... and the capitalised one, for text where only a capital marks a name ("May" not "may").
MONTH_NAMES = "|".join(m.capitalize() for m in sorted(MONTHS, key=len, reverse=True))
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAY_NAMES = "|".join(calendar.day_name)

# Verbs that attribute words to someone ("said", "told", "argued"), every form news copy uses.
SPEECH_VERBS = frozenset(
    """said says say told tells added adds warned warns claimed claims stated states noted notes
    explained explains insisted insists argued argues wrote writes confirmed confirms denied
    denies announced announces reported reports acknowledged acknowledges alleged alleges
    asserted asserts maintained maintains suggested suggests stressed stresses urged urges
    predicted predicts estimated estimates saying reporting suggesting claiming warning arguing
    noting insisting shows showed believes believe believed thinks think thought knows knew
    wants wanted hopes hoped expects expected fears feared agreed agrees called calls asked asks
    accused accuses criticized criticised praised promised promises vowed vows pledged pledges
    declared declares admitted admits conceded concedes contended contends countered replied
    responded tweeted recalled recalls described describes testified revealed emphasized
    mentioned observed remarked joked boasted complained questioned demanded proposed says
    insisted told tell telling argue claim deny denies blamed blames feels felt understands
    realized realizes found finds cited cites citing hailed commented
    mentions pointed ruled rejected rejects unveiled attacked attacks blasted slammed touted
    touts retweeted posted defended defends disputed disputes recommended recommends endorsed
    endorses supports supported opposed opposes condemned condemns dismissed dismisses
    highlighted outlined signaled signalled indicated indicates concluded concludes reveals
    disclosed acknowledges threatened threatens warned demands insist
    questions doubts doubted assumed assumes continued echoed identified detailed
    saw plans seems seem declined refuses urges endorsing promising chanting calling
    explaining adding""".split()
)
# The commonest of them: a sentence holding one (or "according to") names its own speaker.
REPORTING_VERBS = (
    "said", "says", "told", "added", "warned", "claimed", "stated", "wrote", "explained", "noted",
)  # fmt: skip
