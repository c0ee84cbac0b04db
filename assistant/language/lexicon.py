"""Word lists, kept once: month and weekday names, speech verbs, the words of attribution."""

from __future__ import annotations

import calendar
import re

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


def counted(n: int, noun: str) -> str:
    """``n`` with ``noun`` in the singular or the plural: "1 article", "2,743 passages"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


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

# Verb forms annotated as attribution cues at least half the times they occur (and at least
# six times) in the PolNeAR train split; adverbs and nouns left out.
LEARNED_CUES = frozenset(
    """seemed expressed referring offered appears refused asking mention talked suggest discuss
    hoping denounced pointing ordered referred assured criticizing describing reiterated
    discussed tweeting mocked urging questioning acknowledge seeks listed denouncing stating
    announcing deemed declaring reminded voiced sounded recalling portrayed accusing decried
    railed encouraged express reads emailed pleaded announce expecting thanked refusing titled
    convinced projected acknowledging shouted praising predicting touting chants lamented
    remembered repeating proposing indicate portray quoted vowing chanted reminding assailed
    applauded referenced forecast cautioned hints dismissing declare alleging blasting
    championed mentioning slams pledging bemoaned implied believing likened warn praises mocking
    wondered sided invoked""".split()
)
# Speech verbs that are more often nouns in news copy ("member states", "two questions"): cues
# only right after a quotation.
NOUN_LIKE_VERBS = frozenset(
    "states questions calls fears plans doubts demands supports claim reports notes".split()
)
BY_VERBS = frozenset(
    """obtained analyzed analysed seen reviewed published reported cited released verified
    compiled provided shared quoted""".split()
)
ROLE_NOUNS = frozenset(
    """officer officers colonel general commander soldier soldiers official officials analyst
    analysts expert experts villager villagers resident residents spokesperson spokesman
    spokeswoman source sources witness witnesses diplomat diplomats lawmaker lawmakers aide aides
    employee employees doctor doctors nurse worker workers person people man woman men women
    researcher researchers scientist scientists economist economists activist activists
    investigator investigators prosecutor prosecutors lawyer lawyers attorney attorneys
    minister ministers leader leaders member members observer observers journalist journalists
    reporter reporters correspondent volunteer volunteers fighter fighters commentator
    representative representatives negotiator negotiators adviser advisers advisor advisors
    insider insiders executive executives director manager chief organizers organisers
    protesters critics supporters opponents voters parents students teachers neighbors
    neighbours customers users fans residents""".split()
)
TITLES = frozenset(
    """president governor minister senator sen rep mayor chairman chairwoman chair ceo director
    secretary gen general col colonel prime judge justice ambassador commissioner spokesman
    spokeswoman spokesperson professor dr mr mrs ms sheriff chief""".split()
)
DOCUMENT_NOUNS = frozenset(
    """statement report document documents data study survey poll analysis filing memo letter
    release communication imagery figures records findings estimate estimates""".split()
)
INSTITUTION_WORDS = frozenset(
    """institute ministry department agency council commission endowment university army forces
    police government committee bank fund un nato pentagon kremlin office court parliament
    congress senate administration command staff military navy command foundation center centre
    centers centres organization organisation association union party authority authorities
    service services company corporation firm group coalition alliance program programme
    ministries departments agencies institutions school schools district hospital patrol
    sheriff's county city state campaign court""".split()
)
OUTLET_WORDS = frozenset(
    """times post news journal guardian telegraph herald tribune independent gazette press
    agency network tv television radio reuters bloomberg cnn bbc ap afp tass xinhua
    interfax politico axios""".split()
)
# Single words that name a place or a body, not a person, when they "say" something.
PLACES = frozenset(
    """russia ukraine china america britain france germany israel iran iraq syria turkey india
    japan korea taiwan poland moscow kyiv kiev washington beijing london paris berlin brussels
    tehran jerusalem gaza europe nato un eu kremlin pentagon hamas hezbollah congress
    parliament""".split()
)
ANONYMITY = re.compile(
    r"condition of anonymity|requested anonymity|asked not to be (?:named|identified)|"
    r"refused to be named|declined to be (?:named|identified)|(?:was|were) not authori[sz]ed to "
    r"(?:speak|comment)|\bunnamed\b|\banonymous(?:ly)?\b|who (?:did not|would not) give (?:his|her|"
    r"their) names?",
    re.IGNORECASE,
)
# Words that say a report is not confirmed, with what the UI shows for each.
HEDGES = [
    ("reportedly", r"\breportedly\b"),
    ("allegedly", r"\ballegedly\b|\balleged\b"),
    ("purportedly", r"\bpurportedly\b"),
    ("apparently", r"\bapparently\b"),
    ("could not be verified",
     r"could not (?:be )?(?:independently )?(?:verif(?:y|ied)|confirm(?:ed)?)|"
     r"(?:has|have|had) not been (?:independently )?(?:verified|confirmed)"),
    ("unverified", r"\bunverified\b|\bunconfirmed\b"),
    ("is said to", r"\b(?:is|are|was|were) said to\b"),
    ("is believed to", r"\b(?:is|are|was|were) (?:believed|thought|understood) to\b"),
    ("may", r"\b(?:may|might|could) have\b"),
    ("claimed", r"\bclaim(?:ed|s)?\b"),
]  # fmt: skip
