"""Enrolled voiceprints inside the segmentation: every roster member with a voiceprint is a speaker state.

Enrolment is recorded close to the laptop; the meeting may be heard across the room, which shifts every
embedding of the meeting by about the same channel offset (a member's enrolled voiceprint and their voice in
a far-room meeting: cosine 0.71-0.89 on the corpus, other members often closer). Comparing *centred*
vectors removes most of that offset: meeting clusters minus the mean of the meeting's clusters, voiceprints
minus the mean of the roster's voiceprints (the same idea as per-domain mean normalisation). A voiceprint is
carried into the meeting's domain the same way (centred voiceprint + the meeting's mean), so a member
gets a state of their own even when the first clustering merged them with someone else; Viterbi
resegmentation with centroid refit then lets the meeting's own windows adapt each state.

Not the default yet (find_turns(roster_states=True) opts in): on the corpus with everyone enrolled it
raises named accuracy from 0.38 to 0.62 (far rooms 0.00 -> 0.38) and lowers DER 0.228 -> 0.183, but an
unenrolled voice took a member's or stranger's name on 11/20 meetings against 7/20 before (bench/speakers.py
--roster-states, column unk): the naming check below is not strict enough for a rule that must hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from asr.speakers.clustering import centroids_of, normalize_rows, resegment

# Centred cosine between a member's state (refit on the meeting) and their own centred voiceprint, above
# which the state takes the member's name; it must also beat every other member's voiceprint by MARGIN.
NAME_MIN = 0.35
MARGIN = 0.05
# Windows' worth of weight the carried voiceprint keeps in its member's refit state, so a state cannot drift
# onto another voice: 60 gave the lowest enrolled DER of 5/20/60 on the corpus (bench --roster-states),
# 5 and 20 let far-room states swap.
PRIOR = 60.0


@dataclass
class RosterResult:
    labels: np.ndarray  # speaker state of each window, 0..k-1
    names: dict[int, str]  # state -> member, for states that kept a voiceprint's identity
    confidence: np.ndarray  # per window: score margin of the chosen state over the next best (cosine)


def _one_to_one(sim: np.ndarray, minimum: float) -> dict[int, int]:
    """Greedy one-to-one rows -> columns on the highest similarity first (a handful of speakers)."""
    out: dict[int, int] = {}
    used: set[int] = set()
    for flat in np.argsort(-sim, axis=None):
        r, c = divmod(int(flat), sim.shape[1])
        if sim[r, c] < minimum:
            break
        if r in out or c in used:
            continue
        out[r] = c
        used.add(c)
    return out


def roster_segmentation(x: np.ndarray, runs: list[slice], labels: np.ndarray, voiceprints: dict[str, np.ndarray],
                        penalty: float, min_windows: int, iterations: int = 6, prior: float = PRIOR,
                        raw_threshold: float = 0.90, raw_margin: float = 0.04) -> RosterResult:
    """Resegment windows over states = one per enrolled member + the first pass's clusters no member explains.

    x: (n, d) L2-normalised windows; labels: the unsupervised first pass (0..k-1).
    """
    members = list(voiceprints)
    prints = normalize_rows(np.stack([np.asarray(voiceprints[n], dtype=np.float64) for n in members]))
    k = int(labels.max()) + 1
    clusters = centroids_of(x, labels, k)
    meeting_mean = clusters.mean(axis=0)
    print_mean = prints.mean(axis=0)
    centred_prints = normalize_rows(prints - print_mean)
    sim = normalize_rows(clusters - meeting_mean) @ centred_prints.T
    match = _one_to_one(sim, NAME_MIN)  # cluster -> member index
    # States: one per member, then the clusters no member explains (unknown voices stay apart from members).
    states, owner = [], []
    for j in range(len(members)):
        # The carried voiceprint, not the matched cluster: the cluster may hold two members merged.
        states.append(normalize_rows(prints[j] - print_mean + meeting_mean))
        owner.append(j)
    for c in range(k):
        if c not in match:
            states.append(clusters[c])
            owner.append(-1)
    cents = normalize_rows(np.stack(states))
    owner_arr = np.array(owner)
    for _ in range(iterations):
        new = resegment(x, runs, cents, penalty)
        counts = np.bincount(new, minlength=len(cents))
        keep = counts >= min(min_windows, counts.max())
        if not keep.all():
            cents, owner_arr = cents[keep], owner_arr[keep]
            new = resegment(x, runs, cents, penalty)
        sums = np.zeros_like(cents)
        np.add.at(sums, new, x)
        # The meeting's mean voice re-estimated from its speakers (unweighted, like the voiceprints' mean);
        # each member's state stays anchored to their carried voiceprint (MAP: `prior` windows' worth).
        meeting_mean = normalize_rows(sums).mean(axis=0)
        carried = normalize_rows(prints - print_mean + meeting_mean)
        anchor = np.array([carried[j] if j >= 0 else np.zeros(x.shape[1]) for j in owner_arr])
        refit = normalize_rows(sums + prior * anchor)
        if np.allclose(refit, cents, atol=1e-6):
            break
        cents = refit
    labels = resegment(x, runs, cents, penalty)
    # Names only where the windows a state took (without its anchor) still point at its own voiceprint,
    # clearly: an unknown voice that filled a member's state does not.
    heard = centroids_of(x, labels, len(cents))
    state_sim = normalize_rows(heard - heard.mean(axis=0)) @ centred_prints.T if len(cents) > 1 else \
        heard @ prints.T
    raw_sim = heard @ prints.T
    names: dict[int, str] = {}
    for s, j in enumerate(owner_arr):
        if j < 0:
            continue
        row, raw = np.delete(state_sim[s], j), np.delete(raw_sim[s], j)
        centred_ok = state_sim[s, j] >= NAME_MIN and (not len(row) or state_sim[s, j] - row.max() >= MARGIN)
        # The plain match as before (same room, or a roster unlike the meeting's voices, where centring misleads).
        raw_ok = raw_sim[s, j] >= raw_threshold and (not len(raw) or raw_sim[s, j] - raw.max() >= raw_margin)
        if centred_ok or raw_ok:
            names[s] = members[j]
    # A cluster no member explained after centring may still be a member heard as plainly as at enrolment.
    for s in np.argsort(-raw_sim.max(axis=1)):
        j = int(np.argmax(raw_sim[s]))
        others = np.delete(raw_sim[s], j)
        if s in names or members[j] in names.values() or raw_sim[s, j] < raw_threshold:
            continue
        rivals = np.delete(raw_sim[:, j], s)
        if (not len(others) or raw_sim[s, j] - others.max() >= raw_margin) and \
                (not len(rivals) or raw_sim[s, j] - rivals.max() >= raw_margin):
            names[int(s)] = members[j]
    scores = np.sort(x @ cents.T, axis=1)
    confidence = scores[:, -1] - scores[:, -2] if cents.shape[0] > 1 else np.ones(len(x))
    return RosterResult(labels, names, confidence)


def allowed_voiceprints(voiceprints: dict[str, np.ndarray], roster: Sequence[str]) -> dict[str, np.ndarray]:
    """The voiceprints of the meeting's roster (all of them when no roster is given)."""
    return {n: v for n, v in voiceprints.items() if not roster or n in roster}
