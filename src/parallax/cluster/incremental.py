"""Incremental story clustering: articles arrive in publication order and each joins the
best-matching open story or starts a new one.

A story is scored against an article by the mean probability, under the fitted pair model, that
the article and each of the story's most recent members (its *representatives*) report the same
story; only the few open stories whose centroid is nearest the article's vector are scored, so
the cost per article is bounded by the number of open stories times one vector product. A story
closes when nothing has joined it for the model's quiet period. When an article makes two open
stories look alike, the younger folds into the older.

Inside a story, the event model (which weighs time, place and names more than wording) splits
look-alike events: two earthquakes, two meetings of the same ministers. A story's events are not
decided article by article but derived from all its members at once, by average-link clustering
of their pair probabilities: an event's first articles often say too little to place it, and a
one-pass decision would keep that early mistake, where the whole group shows which articles
belong together. Being a function of the members alone, the events of a story come out the same
however it was built (incrementally, in a batch, or merged from two stories).

Syndicated copies join the story of the article they copy and are listed as copies, but add no
evidence: they never become representatives and do not move the centroid.

Everything a decision reads is a function of the members in arrival order, so replaying stored
memberships (:meth:`StoryClusterer.restore`) and then adding new articles gives what clustering
all of them from scratch gives.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from parallax.cluster.model import Calibration, StoryModel
from parallax.cluster.signals import ArticleSignals, feature_matrix
from parallax.model import Story, StoryEvent

#: A story's first this many members are grouped into events together; later ones each join the
#: best event (or start one), since grouping costs the cube of the members grouped.
EVENT_GROUPING_LIMIT = 200


@dataclass(slots=True)
class _Event:
    members: list[tuple[int, ArticleSignals]] = field(default_factory=list)  # (arrival, signals)
    ids: list[tuple[int, str]] = field(default_factory=list)  # copies included

    def representatives(self, k: int) -> list[ArticleSignals]:
        return [signals for _, signals in self.members[-k:]]

    @property
    def article_ids(self) -> list[str]:
        return [article_id for _, article_id in self.ids]


@dataclass(slots=True)
class _Story:
    index: int
    members: list[tuple[int, ArticleSignals]] = field(default_factory=list)  # (arrival, signals)
    ids: list[tuple[int, str]] = field(default_factory=list)  # every article, copies included
    copies: dict[str, str] = field(default_factory=dict)
    copy_outlets: set[str] = field(default_factory=set)
    #: Derived from the members when first asked for (see :meth:`StoryClusterer._events`); any
    #: change to the members clears it.
    events: list[_Event] | None = None
    lead_sum: npt.NDArray[np.float64] | None = None
    first_day: int | None = None
    last_day: int | None = None
    merged_into: int | None = None

    def representatives(self, k: int) -> list[ArticleSignals]:
        return [signals for _, signals in self.members[-k:]]


class StoryClusterer:
    """Stories of a stream of articles. Feed them with :meth:`add` in publication order."""

    def __init__(self, model: StoryModel, calibration: Calibration, *, quiet_days: int | None = None) -> None:
        self.model = model
        self.calibration = calibration
        self.quiet_days = model.quiet_days if quiet_days is None else quiet_days
        self._stories: list[_Story] = []
        self._by_article: dict[str, int] = {}
        self._arrivals = 0
        self._dim = 0
        self._centroids = np.zeros((0, 0), dtype=np.float32)
        self._open = np.zeros(0, dtype=bool)
        self._closing: list[tuple[int, int]] = []  # (last day, story) heap; stale entries skipped
        self._restored: dict[str, int] = {}

    # -- feeding ---------------------------------------------------------------------------------

    def add(self, article: ArticleSignals) -> int:
        """Place one article; returns the index of its story."""
        arrival = self._next_arrival()
        if article.day is not None:
            self._close_quiet(article.day)
        original = self._by_article.get(article.syndicated_of) if article.syndicated_of else None
        if original is not None:
            story = self._stories[self._root(original)]
            self._add_copy(story, arrival, article)
            return story.index
        chosen = self._best_story(article)
        story = self._new_story() if chosen is None else self._stories[chosen]
        self._add_member(story, arrival, article)
        self._maybe_merge(story)
        return self._root(story.index)

    def add_all(self, articles: Iterable[ArticleSignals]) -> None:
        for article in articles:
            self.add(article)

    def restore(
        self, article: ArticleSignals, story_key: str, event: int, copy_of: str | None = None
    ) -> None:
        """Put an article back where a previous run placed it, deciding nothing.

        ``story_key`` names the story (any stable key, such as its stored id); articles must come
        in their original arrival order, and ``copy_of`` is set for those placed as copies. The
        stored events are taken as they are, not derived again: they are what deriving them from
        the same members gives, until a new member arrives.
        """
        arrival = self._next_arrival()
        if article.day is not None:
            self._close_quiet(article.day)
        index = self._restored.get(story_key)
        if index is None:
            index = self._new_story().index
            self._restored[story_key] = index
        story = self._stories[index]
        events = story.events or []
        if copy_of is not None:
            self._add_copy(story, arrival, article)
        else:
            self._add_member(story, arrival, article)
        while len(events) <= event:
            events.append(_Event())
        if copy_of is None:
            events[event].members.append((arrival, article))
        events[event].ids.append((arrival, article.id))
        story.events = events

    # -- decisions -------------------------------------------------------------------------------

    def _best_story(self, article: ArticleSignals) -> int | None:
        open_ids = np.flatnonzero(self._open)
        if not open_ids.size:
            return None
        sims = self._centroids[open_ids] @ article.lead
        take = min(self.model.candidates, open_ids.size)
        picked = np.argpartition(-sims, take - 1)[:take] if take < open_ids.size else np.arange(open_ids.size)
        # Nearest first, ties to the older story, so the outcome never depends on array order.
        ordered = sorted((-float(sims[i]), int(open_ids[i])) for i in picked)
        best, best_score = None, -1.0
        for _, index in ordered:
            others = self._stories[index].representatives(self.model.representatives)
            score = self._link(article, others)
            # A pair with an undated side is judged by the undated model, so it is held to the
            # undated threshold.
            dated = article.day is not None and all(other.day is not None for other in others)
            if score > self.calibration.join_for(dated) and score > best_score:
                best, best_score = index, score
        return best

    def _link(self, article: ArticleSignals, others: Sequence[ArticleSignals]) -> float:
        if not others:
            return 0.0
        return float(self.calibration.story_probability(feature_matrix(article, others)).mean())

    def _group_link(self, mine: Sequence[ArticleSignals], theirs: Sequence[ArticleSignals],
                    probability: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]]) -> float:
        """Mean pair probability between two groups' representatives (stories or events)."""
        if not mine or not theirs:
            return 0.0
        return float(np.mean([probability(feature_matrix(a, theirs)).mean() for a in mine]))

    def _events(self, story: _Story) -> list[_Event]:
        if story.events is None:
            story.events = self._derive_events(story)
        return story.events

    def _derive_events(self, story: _Story) -> list[_Event]:
        """The story's events: its first members grouped by average link over the event model's
        pair probabilities, each later member joined to the best event; copies follow their
        originals. Events are numbered by their first member's arrival."""
        probability = self.calibration.event.probability
        grouped = story.members[:EVENT_GROUPING_LIMIT]
        matrix = np.zeros((len(grouped), len(grouped)))
        for i in range(1, len(grouped)):
            matrix[i, :i] = probability(feature_matrix(grouped[i][1], [m for _, m in grouped[:i]]))
        matrix += matrix.T
        events = [_Event(members=[grouped[i] for i in group])
                  for group in average_link(matrix, self.calibration.event_threshold)]
        k = self.model.representatives
        for arrival, article in story.members[EVENT_GROUPING_LIMIT:]:
            best, best_score = len(events), self.calibration.event_threshold
            for index, event in enumerate(events):
                score = float(probability(feature_matrix(article, event.representatives(k))).mean())
                if score > best_score:
                    best, best_score = index, score
            if best == len(events):
                events.append(_Event())
            events[best].members.append((arrival, article))
        event_of = {article.id: e for e, event in enumerate(events) for _, article in event.members}
        for arrival, article_id in story.ids:
            original = story.copies.get(article_id)
            e = event_of.get(article_id if original is None else original, 0)
            event_of[article_id] = e
            events[e].ids.append((arrival, article_id))
        return events

    def _maybe_merge(self, story: _Story) -> None:
        if len(story.members) < 2:
            # A story merges on the evidence of two articles at least: a one-article story's
            # article was just judged against its candidates, by the join threshold.
            return
        open_ids = np.flatnonzero(self._open)
        open_ids = open_ids[open_ids != story.index]
        if not open_ids.size:
            return
        centroid = self._centroids[story.index]
        sims = self._centroids[open_ids] @ centroid
        other = int(open_ids[int(np.argmax(sims))])
        mine = story.representatives(self.model.representatives)
        theirs = self._stories[other].representatives(self.model.representatives)
        score = self._group_link(mine, theirs, self.calibration.story_probability)
        if score > self.calibration.merge_threshold:
            older, younger = sorted((story.index, other))
            self._merge(self._stories[older], self._stories[younger])

    # -- state -----------------------------------------------------------------------------------

    def _next_arrival(self) -> int:
        self._arrivals += 1
        return self._arrivals

    def _root(self, index: int) -> int:
        while (parent := self._stories[index].merged_into) is not None:
            index = parent
        return index

    def _new_story(self) -> _Story:
        story = _Story(index=len(self._stories))
        self._stories.append(story)
        if self._dim and len(self._stories) > self._centroids.shape[0]:
            self._grow()
        if self._dim:
            self._open[story.index] = True
        return story

    def _grow(self) -> None:
        size = max(64, 2 * self._centroids.shape[0])
        centroids = np.zeros((size, self._dim), dtype=np.float32)
        centroids[: self._centroids.shape[0]] = self._centroids
        opened = np.zeros(size, dtype=bool)
        opened[: self._open.size] = self._open
        self._centroids, self._open = centroids, opened

    def _add_member(self, story: _Story, arrival: int, article: ArticleSignals) -> None:
        if not self._dim:
            self._dim = article.lead.size
            self._centroids = np.zeros((0, self._dim), dtype=np.float32)
            self._grow()
            for s in self._stories:
                self._open[s.index] = s.merged_into is None
        story.members.append((arrival, article))
        story.ids.append((arrival, article.id))
        story.events = None
        lead = article.lead.astype(np.float64)
        story.lead_sum = lead if story.lead_sum is None else story.lead_sum + lead
        self._by_article[article.id] = story.index
        self._set_centroid(story)
        self._touch(story, article.day)

    def _add_copy(self, story: _Story, arrival: int, article: ArticleSignals) -> None:
        assert article.syndicated_of is not None
        story.ids.append((arrival, article.id))
        story.copies[article.id] = article.syndicated_of
        if article.outlet:
            story.copy_outlets.add(article.outlet)
        self._by_article[article.id] = story.index
        story.events = None
        self._touch(story, article.day)

    def _set_centroid(self, story: _Story) -> None:
        assert story.lead_sum is not None
        norm = float(np.linalg.norm(story.lead_sum)) or 1.0
        self._centroids[story.index] = (story.lead_sum / norm).astype(np.float32)

    def _touch(self, story: _Story, day: int | None) -> None:
        if day is None:
            return
        story.first_day = day if story.first_day is None else min(story.first_day, day)
        if story.last_day is None or day > story.last_day:
            story.last_day = day
            heapq.heappush(self._closing, (day, story.index))

    def _close_quiet(self, today: int) -> None:
        while self._closing and self._closing[0][0] < today - self.quiet_days:
            day, index = heapq.heappop(self._closing)
            story = self._stories[index]
            if story.last_day == day and index < self._open.size:
                self._open[index] = False

    def _merge(self, older: _Story, younger: _Story) -> None:
        older.members = list(heapq.merge(older.members, younger.members, key=lambda m: m[0]))
        older.ids = list(heapq.merge(older.ids, younger.ids, key=lambda m: m[0]))
        older.copies.update(younger.copies)
        older.copy_outlets |= younger.copy_outlets
        older.events = None
        assert older.lead_sum is not None and younger.lead_sum is not None
        older.lead_sum = older.lead_sum + younger.lead_sum
        for _, article_id in younger.ids:
            self._by_article[article_id] = older.index
        younger.merged_into = older.index
        self._open[younger.index] = False
        self._set_centroid(older)
        for day in (younger.first_day, younger.last_day):
            self._touch(older, day)

    # -- results ---------------------------------------------------------------------------------

    def assignments(self) -> dict[str, tuple[int, int]]:
        """Each article's story index and event index within it."""
        found: dict[str, tuple[int, int]] = {}
        for story in self._stories:
            if story.merged_into is not None:
                continue
            for e, event in enumerate(self._events(story)):
                for article_id in event.article_ids:
                    found[article_id] = (story.index, e)
            for _, article_id in story.ids:
                found.setdefault(article_id, (story.index, 0))
        return found

    def memberships(self) -> list[tuple[str, str, int, int, str | None]]:
        """(article, story id, event, arrival, copy_of) of every article, in arrival order."""
        rows = []
        for story in self._stories:
            if story.merged_into is not None:
                continue
            story_id = _story_id(story)
            event_of = {article_id: e for e, event in enumerate(self._events(story))
                        for article_id in event.article_ids}
            for arrival, article_id in story.ids:
                rows.append((article_id, story_id, event_of.get(article_id, 0), arrival,
                             story.copies.get(article_id)))
        return sorted(rows, key=lambda row: row[3])

    def stories(self, *, model_name: str = "") -> list[Story]:
        """The stories so far, oldest first, as records."""
        return [self._record(story, model_name) for story in self._stories if story.merged_into is None]

    def _record(self, story: _Story, model_name: str) -> Story:
        members = [signals for _, signals in story.members]
        everyone = {s.id: s for s in members}
        ordered_ids = tuple(article_id for _, article_id in story.ids)
        days = [s.day for s in members if s.day is not None] + [
            d for d in (story.first_day, story.last_day) if d is not None]
        outlets = Counter(s.outlet for s in members if s.outlet)
        names = Counter(name for s in members for name in dict.fromkeys(s.entities))
        key = [name for name, count in names.most_common(8) if count >= min(2, len(members))]
        events = []
        for index, event in enumerate(self._events(story)):
            event_members = [signals for _, signals in event.members]
            event_days = [s.day for s in event_members if s.day is not None]
            events.append(StoryEvent(
                index=index, title=_central_title(event_members), article_ids=tuple(event.article_ids),
                start=_date(min(event_days)) if event_days else None,
                end=_date(max(event_days)) if event_days else None,
            ))
        return Story(
            id=_story_id(story),
            title=_central_title(members),
            article_ids=ordered_ids,
            start=_date(min(days)) if days else None,
            end=_date(max(days)) if days else None,
            outlets=tuple(sorted({s.outlet for s in everyone.values() if s.outlet} | story.copy_outlets)),
            countries=tuple(sorted({s.country for s in members if s.country})),
            languages=tuple(sorted({s.language for s in members if s.language})),
            independent_outlets=len(outlets) or len(members),
            key_entities=tuple(key),
            copies=dict(story.copies),
            events=tuple(events),
            model=model_name,
        )


def average_link(similarity: npt.NDArray[np.float64], threshold: float) -> list[list[int]]:
    """Groups of the items of a symmetric similarity matrix: the two groups whose mean pairwise
    similarity is highest join, while it is above ``threshold``. Groups come ordered by their
    first item; ties go to the earlier pair, so the result never depends on anything but the
    matrix."""
    n = len(similarity)
    groups = [[i] for i in range(n)]
    if n < 2:
        return groups
    linked = similarity.astype(np.float64, copy=True)
    np.fill_diagonal(linked, -np.inf)
    sizes = np.ones(n)
    for _ in range(n - 1):
        flat = int(np.argmax(linked))
        i, j = divmod(flat, n)
        if not linked[i, j] > threshold:
            break
        i, j = min(i, j), max(i, j)
        # Lance-Williams: the mean link of the joined group is the size-weighted mean of its parts'.
        row = (sizes[i] * linked[i] + sizes[j] * linked[j]) / (sizes[i] + sizes[j])
        linked[i], linked[:, i] = row, row
        linked[j], linked[:, j] = -np.inf, -np.inf
        linked[i, i] = -np.inf
        sizes[i] += sizes[j]
        groups[i] += groups[j]
        groups[j] = []
    return sorted((sorted(g) for g in groups if g), key=lambda g: g[0])


def _story_id(story: _Story) -> str:
    # Named after its founding article, so a rebuild that founds it the same way keeps the id.
    return f"s{story.ids[0][1][:11]}"


def _central_title(members: Sequence[ArticleSignals]) -> str:
    """The headline of the member nearest the group's centroid (the earliest on a tie); without
    headlines, that member's first sentence."""
    titled = [m for m in members if m.title.strip()]
    pool = titled or list(members)
    if not pool:
        return ""
    centroid = np.sum([m.lead for m in pool], axis=0)
    best = max(range(len(pool)), key=lambda i: (float(pool[i].lead @ centroid), -i))
    chosen = pool[best]
    return chosen.title.strip() or chosen.opening or (chosen.entities[0] if chosen.entities else chosen.id)


def _date(day: int) -> date:
    return date.fromordinal(day)


def cluster_signals(
    articles: Sequence[ArticleSignals], model: StoryModel, calibration: Calibration,
    *, quiet_days: int | None = None,
) -> StoryClusterer:
    """Cluster articles in the order given (the batch form of :class:`StoryClusterer`)."""
    clusterer = StoryClusterer(model, calibration, quiet_days=quiet_days)
    clusterer.add_all(articles)
    return clusterer
