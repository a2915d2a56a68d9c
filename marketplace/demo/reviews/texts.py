"""Review titles and bodies, seller replies and feedback comments, drawn from ``phrases``.

Pure functions of a ``random.Random``: the same generator state gives the
same words. A body's length is drawn first (one line, a few sentences, or
paragraphs), then sentences that fit its stars: praise for five, praise and a
nit for four, both sides for three, faults (and a kind word) for two, faults,
a return and a warning for one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from marketplace.demo.reviews import phrases as p

SHORT, MEDIUM, LONG, ESSAY = "short", "medium", "long", "essay"
# How long a review of each star count tends to be: (short, medium, long, essay) weights. The unhappy
# write at length more often.
LENGTHS = {
    5: (40, 40, 14, 6),
    4: (30, 44, 19, 7),
    3: (25, 48, 20, 7),
    2: (20, 43, 27, 10),
    1: (22, 40, 26, 12),
}


@dataclass(frozen=True, slots=True)
class Subject:
    """What a review is about: the product's kind and words, and the variation bought."""

    kind: str
    noun: str
    brand: str
    size: str = ""
    colour: str = ""


def lower_first(sentence: str) -> str:
    """``sentence`` with its first letter lowered, unless it starts with "I" or an acronym."""
    first = sentence.split(" ", 1)[0]
    if first in ("I", "I'm", "I've", "I'll", "I'd") or (len(first) > 1 and first[1].isupper()):
        return sentence
    return sentence[:1].lower() + sentence[1:]


class Writer:
    """Draws the sentences of one review without repeating any of them."""

    def __init__(self, rng: random.Random, subject: Subject):
        self.rng, self.subject = rng, subject
        self.kind = p.KINDS[subject.kind]
        self.used: set[str] = set()
        colour = subject.colour
        self.words = {  # one buyer, one story: the same person and time spans throughout
            "noun": subject.noun,
            "brand": subject.brand,
            "person": rng.choice(p.PEOPLE),
            "weeks": rng.choice((2, 3, 4, 5, 6, 8, 10)),
            "months": rng.choice((2, 3, 4, 6, 8)),
            "size": subject.size,
            "colour": colour if " " in colour else colour.lower(),
        }

    def pick(self, options: tuple[str, ...]) -> str:
        fresh = [option for option in options if option not in self.used] or list(options)
        choice = self.rng.choice(fresh)
        self.used.add(choice)
        return choice.format(**self.words) if "{" in choice else choice

    def some(self, options: tuple[str, ...], count: int) -> list[str]:
        return [self.pick(options) for _ in range(min(count, len(options)))]

    def variation(self, stars: int) -> list[str]:
        """A word on the size or colour bought, when the variation has one (half the time)."""
        rng, out = self.rng, []
        if self.subject.size and self.subject.kind in ("clothing", "shoes") and rng.random() < 0.6:
            fit = "good" if stars >= 4 or rng.random() < 0.4 else rng.choice(("small", "large"))
            out.append(self.pick(p.FIT[fit]))
        if self.subject.colour and rng.random() < 0.35:
            happy = stars >= 4 or (stars == 3 and rng.random() < 0.5)
            out.append(self.pick(p.COLOUR["good" if happy else "off"]))
        return out


def _mood(stars: int) -> str:
    return "good" if stars >= 4 else "mixed" if stars == 3 else "bad"


def _nit(writer: Writer) -> str:
    return f"{writer.rng.choice(p.NIT_LINKS)} {lower_first(writer.pick(writer.kind.nits))}"


def _mixed(writer: Writer, sentence: str) -> str:
    return f"{writer.rng.choice(p.MIXED_LINKS)} {lower_first(sentence)}"


def _core(writer: Writer, stars: int, size: int) -> list[str]:
    """The sentences about the product itself, ``size`` of them or so."""
    kind, rng = writer.kind, writer.rng
    if stars == 5:
        return writer.some(kind.pros, size)
    if stars == 4:
        return [*writer.some(kind.pros, max(1, size - 1)), _nit(writer)]
    if stars == 3:
        pros = writer.some(kind.pros, max(1, size // 2))
        cons = [writer.pick(kind.nits if rng.random() < 0.6 else kind.faults)]
        return [*pros, _mixed(writer, cons[0]), *writer.some(kind.nits, max(0, size // 2 - 1))]
    if stars == 2:
        faults = writer.some(kind.faults, max(1, size - 1))
        return [*faults, _mixed(writer, writer.pick(kind.pros))] if rng.random() < 0.6 else faults
    return writer.some(kind.faults, size)


def _extras(writer: Writer, stars: int) -> list[str]:
    """Value, delivery and time remarks some reviews make."""
    rng, out = writer.rng, []
    if rng.random() < 0.35:
        out.append(writer.pick(p.VALUE["good" if stars >= 4 else "fair" if stars == 3 else "bad"]))
    if rng.random() < 0.15:
        out.append(writer.pick(p.DELIVERY["good" if stars >= 3 or rng.random() < 0.5 else "bad"]))
    return out


def review_body(rng: random.Random, stars: int, subject: Subject) -> str:
    """The text of a review of ``stars`` about ``subject``: one line to a few paragraphs."""
    writer = Writer(rng, subject)
    length = rng.choices((SHORT, MEDIUM, LONG, ESSAY), LENGTHS[stars])[0]
    if length == SHORT:
        if rng.random() < 0.5:
            return writer.pick(p.ONE_LINERS[stars])
        options = writer.kind.pros if stars >= 4 else writer.kind.faults if stars <= 2 else writer.kind.nits
        return " ".join([writer.pick(options), writer.pick(p.CLOSERS[stars])])
    if length == MEDIUM:
        sentences = [writer.pick(writer.kind.uses)] if rng.random() < 0.6 else []
        sentences += (
            _core(writer, stars, rng.randint(1, 3)) + writer.variation(stars) + _extras(writer, stars)
        )
        if stars == 1 and rng.random() < 0.5:
            sentences.append(writer.pick(p.RETURNED))
        sentences.append(writer.pick(p.CLOSERS[stars]))
        return " ".join(sentences)
    if length == ESSAY:
        return _essay(writer, stars)
    first = [writer.pick(writer.kind.uses)]
    if rng.random() < 0.5:
        first.append(writer.pick(p.TIME_USED))
    first += _core(writer, stars, rng.randint(2, 3))
    second = _core(writer, stars, rng.randint(1, 2)) + writer.variation(stars) + _extras(writer, stars)
    if rng.random() < 0.5:
        second.insert(0, writer.pick(p.DETAILS[_mood(stars)]))
    if stars <= 2 and rng.random() < 0.6:
        second.append(writer.pick(p.RETURNED))
    paragraphs = [" ".join(first), " ".join([*second, writer.pick(p.CLOSERS[stars])])]
    if rng.random() < 0.3:
        paragraphs.append(writer.pick(p.UPDATES["good" if stars >= 4 else "bad"]))
    return "\n\n".join(paragraphs)


def _essay(writer: Writer, stars: int) -> str:
    """Four paragraphs: why and how long, what it does well or badly, the rest, and a verdict."""
    kind, rng = writer.kind, writer.rng
    mood = _mood(stars)
    opening = [writer.pick(kind.uses), writer.pick(p.TIME_USED)]
    opening += writer.some(kind.pros if stars >= 3 else kind.faults, 2)
    opening.append(writer.pick(p.DETAILS[mood]))
    middle = [*_core(writer, stars, 3), writer.pick(p.DETAILS[mood]), *writer.variation(stars)]
    if stars >= 4:
        rest = _extras(writer, stars) or [writer.pick(p.VALUE["good"])]
    elif stars == 3:
        rest = [_mixed(writer, writer.pick(kind.faults)), *_extras(writer, stars)]
    else:
        rest = [writer.pick(p.RETURNED), *_extras(writer, stars)]
    verdict = []
    if stars != 3 and rng.random() < 0.5:
        verdict.append(writer.pick(p.UPDATES["good" if stars >= 4 else "bad"]))
    verdict.append(writer.pick(p.CLOSERS[stars]))
    return "\n\n".join(" ".join(paragraph) for paragraph in (opening, middle, rest, verdict))


def review_title(rng: random.Random, stars: int) -> str:
    return rng.choice(p.TITLES[stars])


def held_sentence(rng: random.Random) -> str:
    """A sentence the automatic checks hold a review for (a link, an address or a phone number)."""
    template = rng.choice(p.HELD)
    return template.format(
        word=rng.choice(p.HELD_WORDS),
        handle=f"{rng.choice(p.HELD_WORDS)}.fan{rng.randint(10, 99)}",
        digits=f"{rng.randint(1000, 9999)}",
    )


def reply_body(rng: random.Random, stars: int, *, first: str, noun: str, seller: str) -> str:
    """The seller's public answer to a review of ``stars``, signed by its team."""
    mood = "thanks" if stars >= 4 else "sorry" if stars <= 2 else "mixed"
    text = rng.choice(p.SELLER_REPLIES[mood]).format(first=first, noun=noun)
    return f"{text}\n\n{p.REPLY_SIGNATURE.format(seller=seller)}"


def feedback_comment(rng: random.Random, stars: int) -> str:
    """What a buyer says about the seller; a third leave no comment."""
    return "" if rng.random() < 0.33 else rng.choice(p.FEEDBACK_COMMENTS[stars])
