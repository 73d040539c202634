"""Speaker clustering of window embeddings: agglomerative first pass, then resegmentation with smoothing.

Windows are 1.6 s d-vectors 0.4 s apart. Single windows are noisy (same-speaker cosine about 0.77 on the
corpus), so the first pass clusters units of up to ~8 s of one segment (average linkage); then every window
is reassigned to the nearest speaker centroid by a Viterbi pass that makes speaker changes costly, small
speakers are dissolved, centroids re-estimated, and the closest pair merged while it is "one voice". That
loop, not the first pass, settles how many speakers there are.

"One voice" is judged relative to the recording (reference_similarity): how alike the same voice is across
segments differs between a clean synthetic meeting (0.95+) and real speech (0.84-0.93 between sentences),
while the corpus's synthetic voices of different people reach 0.92. A pair that is close to each other and
far from everyone else (isolated_pair) also merges, for a sparse real speaker whose sentences drift apart.

Centroid similarity alone merges different people on the corpus (their centroids are as alike as one voice's
sentences), so with no speaker count given a merge also needs the two clusters' windows not to tell them apart
out of sample (heldout_separation), and once the loop settles a speaker whose windows split into two such
separable parts becomes two (split_two_voices); a last pass reassigns windows with centroid refit (refit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def normalize_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


@dataclass
class ClusterParams:
    unit_windows: int = 20  # windows averaged into one first-pass unit (about 8 s at 0.4 s hop)
    # Thresholds are set relative to how alike a meeting's neighbouring stretches of one voice are (the
    # median nearest-neighbour cosine between units): voices in a quiet room with one microphone give
    # tighter embeddings than a noisy real room, and a fixed threshold fits only one of them.
    adaptive: bool = True
    ahc_margin: float = 0.06  # first pass stops merging this far below the reference similarity
    merge_margin: float = 0.025  # speakers whose centroids are this close to the reference are one speaker
    ahc_stop: float = 0.90  # fixed thresholds, used when adaptive is off or there are too few units
    merge_above: float = 0.93
    loose_merge_above: float = 0.84  # isolated pairs merge above this (see isolated_pair)
    isolation_gap: float = 0.15
    reference_windows: int = 12  # windows per reference unit (see reference_similarity)
    reference_percentile: float = 90.0
    # Units shorter than this do not count towards the reference (too noisy); 4 windows is 2.8 s of speech,
    # what a short real sentence gives once the VAD has trimmed its edges.
    reference_min_windows: int = 4
    switch_penalty: float = 0.25  # Viterbi cost of a speaker change between neighbouring windows
    # Pitch (asr/speakers/pitch.py) between speakers (and first-pass units), where the median of many windows
    # is stable: two whose median pitch differs by more than pitch_free semitones plus two standard errors
    # are pitch_penalty cosine per semitone less alike. Off: on the corpus (bench/speakers.py --pitch-penalty)
    # mean DER 0.238-0.257 against 0.227 without (some meetings gain, m05 0.34 -> 0.28, m06 0.28 -> 0.20,
    # others lose, m02 0.04 -> 0.24); without the standard errors a real AISHELL speaker, whose sentences
    # differ by up to 1.8 semitones, was split and then dissolved into the other (1 speaker found, DER 0.35).
    pitch_penalty: float = 0.0
    pitch_free: float = 0.3
    pitch_in_first_pass: bool = False
    min_windows: int = 6  # a speaker with fewer windows after resegmentation is dissolved
    iterations: int = 60
    # Two speakers whose centroids pass merge_above still stay apart when their windows tell them apart out of
    # sample (heldout_separation at or above this; 1.0 or more: off). The corpus's different voices have
    # centroids 0.95-0.96 alike, as alike as one voice's sentences, but held-out windows pick their own
    # speaker 0.56-1.0 of the time (median 0.98) against about 0.5 for two halves of one voice. 0.93-0.95 is
    # best on the odd meetings and on the even ones alike (bench/speakers.py --split; 0.85: worse on both).
    merge_separation: float = 0.93
    separation_block: int = 10  # windows left out together (4 s: overlapping neighbours would leak)
    # Once the loop settles, a speaker whose windows 2-means cuts into two parts of at least split_min_windows
    # (0: off) that held-out windows tell apart at split_separation is two speakers (only with no count given,
    # as merge_separation). 0.85 is best on the even meetings, 0.80 on the odd (each improves the other half,
    # bench/speakers.py --split); below 0.8 one voice is cut up (0.75: der0 0.25, 0.70: 0.30).
    split_min_windows: int = 12
    split_separation: float = 0.85
    split_penalty: float = 0.1  # change cost of the 2-means resegmentation
    # After the count is settled: reassign windows and refit centroids (k-means with smoothing) at this
    # lower change cost, so short turns can leave the speaker they were absorbed into (None: off).
    refit_penalty: float | None = 0.1
    refit_iterations: int = 10


def pitch_gap(pitch: np.ndarray, free: float, per_semitone: float, spread: np.ndarray | None = None,
              count: np.ndarray | None = None, sure: float = 2.0) -> np.ndarray:
    """(k, k) similarity to subtract for the pitch difference of k units or speakers (NaN pitch: none).

    With spread (each one's window-pitch spread in semitones) and count (its windows), only the difference
    beyond `sure` standard errors counts: a real speaker's sentences differ by up to ~2 semitones, so the
    medians of a few windows say little (0.4 s windows overlap 4x: count / 4 independent ones).
    """
    diff = np.abs(pitch[:, None] - pitch[None, :])
    if spread is not None and count is not None:
        se2 = spread**2 / np.maximum(count / 4.0, 1.0)
        diff = diff - sure * np.sqrt(se2[:, None] + se2[None, :])
    return np.nan_to_num(per_semitone * np.maximum(diff - free, 0.0), nan=0.0)


def average_linkage(units: np.ndarray, weights: np.ndarray, stop: float, max_clusters: int | None = None,
                    penalty: np.ndarray | None = None) -> np.ndarray:
    """Agglomerative clustering (weighted average linkage on cosine, minus `penalty` when given); returns
    one label per unit."""
    n = len(units)
    if n == 0:
        return np.zeros(0, dtype=int)
    sim = units @ units.T
    if penalty is not None:
        sim = sim - penalty
    np.fill_diagonal(sim, -np.inf)
    size = weights.astype(np.float64).copy()
    alive = np.ones(n, dtype=bool)
    members = {i: [i] for i in range(n)}
    while alive.sum() > 1:
        flat = int(np.argmax(sim))
        a, b = divmod(flat, n)
        best = sim[a, b]
        over = max_clusters is not None and alive.sum() > max_clusters
        if best < stop and not over:
            break
        # Lance-Williams update for average linkage: size-weighted mean of the two rows.
        merged = (size[a] * sim[a] + size[b] * sim[b]) / (size[a] + size[b])
        sim[a, :] = merged
        sim[:, a] = merged
        sim[a, a] = -np.inf
        sim[b, :] = -np.inf
        sim[:, b] = -np.inf
        size[a] += size[b]
        alive[b] = False
        members[a] += members.pop(b)
    labels = np.zeros(n, dtype=int)
    for k, idx in enumerate(members.values()):
        labels[idx] = k
    return labels


def centroids_of(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, x.shape[1]), dtype=np.float64)
    np.add.at(out, labels, x)
    return normalize_rows(out)


def viterbi_many(runs: list[np.ndarray], penalty: float) -> list[np.ndarray]:
    """viterbi of each (n_i, k) score array, all stepped together: the same arithmetic, hence the same paths,
    with one numpy step per time index instead of one per window (a 2-hour meeting has ~1000 runs)."""
    lengths = np.array([len(r) for r in runs])
    count, longest, k = len(runs), int(lengths.max()), runs[0].shape[1]
    scores = np.zeros((count, longest, k))
    for i, r in enumerate(runs):
        scores[i, :len(r)] = r
    back = np.zeros((count, longest, k), dtype=np.int32)
    rows, labels = np.arange(count), np.arange(k)
    total = scores[:, 0].copy()
    final = total.copy()  # each run's totals at its own last window (the padding after it changes nothing kept)
    for t in range(1, longest):
        best_prev = total.argmax(axis=1)
        switch = total[rows, best_prev] - penalty
        use_switch = switch[:, None] > total
        back[:, t] = np.where(use_switch, best_prev[:, None], labels[None, :])
        total = np.where(use_switch, switch[:, None], total) + scores[:, t]
        ends = lengths == t + 1
        final[ends] = total[ends]
    paths = np.zeros((count, longest), dtype=int)
    current = np.zeros(count, dtype=int)
    for t in range(longest - 1, -1, -1):
        ends = lengths == t + 1
        current[ends] = final[ends].argmax(axis=1)
        live = lengths > t
        paths[live, t] = current[live]
        if t:
            current[live] = back[rows[live], t, current[live]]
    return [paths[i, :n] for i, n in enumerate(lengths)]


RUNS_STEPPED_TOGETHER = 64  # runs of about the same length, so the padding stays small


def resegment(x: np.ndarray, runs: list[slice], centroids: np.ndarray, penalty: float) -> np.ndarray:
    """Assign each window to a centroid, smoothing within each run of contiguous speech."""
    scores = x @ centroids.T
    labels = np.empty(len(x), dtype=int)
    by_length = sorted((r for r in runs if r.stop > r.start), key=lambda r: r.stop - r.start)
    for i in range(0, len(by_length), RUNS_STEPPED_TOGETHER):
        group = by_length[i:i + RUNS_STEPPED_TOGETHER]
        for run, path in zip(group, viterbi_many([scores[r] for r in group], penalty), strict=True):
            labels[run] = path
    return labels


def units_of(x: np.ndarray, runs: list[slice], size: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Average consecutive windows of each run into units; returns unit vectors, weights, window indices."""
    vecs, weights, index = [], [], []
    for run in runs:
        idx = np.arange(run.start, run.stop)
        pieces = max(1, int(round(len(idx) / size)))
        for part in np.array_split(idx, pieces):
            if len(part):
                vecs.append(x[part].mean(axis=0))
                weights.append(len(part))
                index.append(part)
    return normalize_rows(np.array(vecs)), np.array(weights, dtype=float), index


def reference_similarity(x: np.ndarray, pieces: list[slice], size: int, percentile: float,
                         min_windows: int = 6) -> float | None:
    """How alike one voice is to itself across this recording's segments, whatever their length.

    Each segment (piece) is cut into units of about `size` windows; each unit's cosine to its most
    similar unit *of another segment* is nearly always a same-speaker similarity (neighbours within one
    segment would overstate it: real voices drift between sentences more than within one). Returns a
    percentile of those, or None when there is too little to tell.
    """
    vecs, owner = [], []
    for k, piece in enumerate(pieces):
        idx = np.arange(piece.start, piece.stop)
        for part in np.array_split(idx, max(1, int(round(len(idx) / size)))):
            if len(part) >= min_windows:
                vecs.append(x[part].mean(axis=0))
                owner.append(k)
    owner_arr = np.array(owner)
    if len(vecs) < 4 or len(set(owner)) < 3:
        return None
    units = normalize_rows(np.array(vecs))
    sim = units @ units.T
    sim[owner_arr[:, None] == owner_arr[None, :]] = -np.inf
    return float(np.percentile(sim.max(axis=1), percentile))


def isolated_pair(sim: np.ndarray, loose: float, gap: float) -> tuple[int, int] | None:
    """The most similar pair (a, b) above `loose` that both stand apart from every other cluster by `gap`.

    A real voice drifts between sentences, so two clusters of one sparse speaker can sit below the
    recording's merge threshold; when they are much closer to each other than to anyone else, they are
    one voice. Near-identical voices of different people are not isolated and stay apart.
    """
    k = len(sim)
    if k < 2:
        return None
    s = np.array(sim, dtype=np.float64)
    np.fill_diagonal(s, -np.inf)
    # others[a, b]: the closest any third cluster comes to a or b (row a without column b: its best, or its
    # second best when b is the best); -inf when there is no third
    rows = np.arange(k)
    top = np.argsort(-s, axis=1, kind="stable")[:, :2] if k > 2 else np.array([[1], [0]])
    first = s[rows, top[:, 0]]
    second = s[rows, top[:, 1]] if k > 2 else np.full(k, -np.inf)
    without = np.where(top[:, :1] == rows[None, :], second[:, None], first[:, None])
    others = np.maximum(without, without.T)
    ok = np.triu(np.ones((k, k), dtype=bool), 1) & (s >= loose) & (s - others >= gap)
    if not ok.any():
        return None
    # the most similar such pair; of equal ones the first (a, then b), as a scan in that order finds it
    a, b = divmod(int(np.argmax(np.where(ok, s, -np.inf))), k)
    return a, b


def _pitch_stats(pitch: np.ndarray | None, groups: list[np.ndarray]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Median pitch, spread (IQR / 1.35, at least 1 semitone) and known windows of each group of windows."""
    if pitch is None:
        return None
    med, spread, count = np.full(len(groups), np.nan), np.ones(len(groups)), np.zeros(len(groups))
    for i, idx in enumerate(groups):
        known = pitch[idx][~np.isnan(pitch[idx])]
        if len(known):
            q1, q2, q3 = np.percentile(known, [25, 50, 75])
            med[i], spread[i], count[i] = q2, max(1.0, (q3 - q1) / 1.35), len(known)
    return med, spread, count


def cluster_windows(x: np.ndarray, runs: list[slice], *, max_speakers: int | None = None,
                    unit_runs: list[slice] | None = None, segments: list[slice] | None = None,
                    params: ClusterParams | None = None, pitch: np.ndarray | None = None) -> np.ndarray:
    """Speaker label (0..k-1) for each window embedding.

    runs: slices of x that are contiguous speech (one per transcript segment), smoothed internally.
    unit_runs: slices that first-pass units must not cross (e.g. transcript segments); default `runs`.
    segments: slices of single transcript segments, for the recording's same-voice reference similarity.
    pitch: each window's median pitch in semitones (NaN where unknown), used when params.pitch_penalty > 0.
    """
    p = params or ClusterParams()
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype=int)
    x = normalize_rows(x.astype(np.float64))
    units, weights, index = units_of(x, unit_runs or runs, p.unit_windows)
    ahc_stop, merge_above = p.ahc_stop, p.merge_above
    if p.adaptive:
        reference = reference_similarity(x, segments or runs, p.reference_windows, p.reference_percentile,
                                         p.reference_min_windows)
        if reference is not None:
            ahc_stop, merge_above = reference - p.ahc_margin, reference - p.merge_margin
    if p.pitch_penalty <= 0:
        pitch = None
    unit_pitch = _pitch_stats(pitch if p.pitch_in_first_pass else None, index)
    unit_labels = average_linkage(units, weights, ahc_stop, penalty=None if unit_pitch is None else
                                  pitch_gap(unit_pitch[0], p.pitch_free, p.pitch_penalty, *unit_pitch[1:]))
    labels = np.empty(n, dtype=int)
    for lab, idx in zip(unit_labels, index, strict=True):
        labels[idx] = lab
    limit = max_speakers if max_speakers and max_speakers > 0 else None
    for _ in range(p.iterations):
        k = int(labels.max()) + 1
        new = resegment(x, runs, centroids_of(x, labels, k), p.switch_penalty)
        new = np.unique(new, return_inverse=True)[1]
        k = int(new.max()) + 1
        cents = centroids_of(x, new, k)
        sim = cents @ cents.T
        stats = _pitch_stats(pitch, [np.flatnonzero(new == c) for c in range(k)])
        if stats is not None:
            sim = sim - pitch_gap(stats[0], p.pitch_free, p.pitch_penalty, *stats[1:])
        np.fill_diagonal(sim, -np.inf)
        new, changed = _merge_once(x, runs, new, cents, sim, p, merge_above, limit)
        new = np.unique(new, return_inverse=True)[1]
        if not changed and np.array_equal(new, labels):
            labels = new
            break
        labels = new
    if p.split_min_windows and limit is None:
        labels = split_two_voices(x, labels, p.split_min_windows, p.split_separation, p.split_penalty,
                                  p.separation_block)
    if p.refit_penalty is not None:
        labels = refit(x, runs, labels, p.refit_penalty, p.refit_iterations)
    return labels


def _merge_once(x: np.ndarray, runs: list[slice], new: np.ndarray, cents: np.ndarray, sim: np.ndarray,
                p: ClusterParams, merge_above: float, limit: int | None) -> tuple[np.ndarray, bool]:
    """One step of the merging loop: two clusters that are one voice merged, else a too-small cluster
    dissolved, else (over the cap) the two closest merged. (labels, whether anything changed)"""
    k = len(cents)
    changed = False
    if k > 1:
        close = sim >= merge_above
        pair = isolated_pair(sim, p.loose_merge_above, p.isolation_gap)
        # Only when no count is given: under a roster's cap, clusters the test keeps apart are merged by
        # the cap instead, and (bench/speakers.py) names went to the wrong cluster (m03 named 0.65 -> 0.18).
        if limit is None and p.merge_separation < 1.0 and (close.any() or pair is not None):
            separable = heldout_separation(x, new, k, p.separation_block) >= p.merge_separation
            close &= ~separable
            # An isolated pair is one sparse voice only if its windows cannot tell it apart either (m04: a
            # minority voice isolated with the chair's cluster, separation 0.96, was merged into it).
            if pair is not None and separable[pair]:
                pair = None
        if close.any():
            a, b = divmod(int(np.argmax(np.where(close, sim, -np.inf))), k)
        elif pair is not None:
            a, b = pair
        if close.any() or pair is not None:
            new[new == b] = a
            changed = True
    if not changed:
        # Only once nothing merges: a speaker with too few windows is dissolved into the others (two
        # small clusters of one sparse voice get the chance to merge first).
        counts = np.bincount(new, minlength=k)
        keep = counts >= min(p.min_windows, counts.max())
        if not keep.all():
            new = resegment(x, runs, cents[keep], p.switch_penalty)
            changed = True
    if not changed and limit is not None and k > limit:
        # More speakers than can be present (the cap): the two closest are one.
        a, b = divmod(int(np.argmax(sim)), k)
        new[new == b] = a
        changed = True
    return new, changed


def refit(x: np.ndarray, runs: list[slice], labels: np.ndarray, penalty: float, iterations: int) -> np.ndarray:
    """Alternate resegmentation and centroid re-estimation from `labels` until they settle; the count is kept
    (a speaker left with no windows keeps its last centroid, and drops out of the labels at the end)."""
    k = int(labels.max()) + 1
    cents = centroids_of(x, labels, k)
    for _ in range(iterations):
        new = resegment(x, runs, cents, penalty)
        if np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        cents = np.where((counts > 0)[:, None], centroids_of(x, labels, k), cents)
    return np.unique(labels, return_inverse=True)[1]


def heldout_separation(x: np.ndarray, labels: np.ndarray, k: int, block: int) -> np.ndarray:
    """(k, k): share of the windows of speakers a and b that are closer to their own speaker's centroid than to
    the other's, with the own centroid computed without the window's block (`block` consecutive windows).

    Out of sample, two clusters of one voice score about 0.5 whatever their size, two voices near 1; in-sample
    centroid similarity cannot tell them apart when different voices are as alike as one voice's sentences.
    """
    sums = np.zeros((k, x.shape[1]))
    np.add.at(sums, labels, x)
    key = (np.arange(len(x)) // block) * k + labels
    inverse = np.unique(key, return_inverse=True)[1]
    block_sums = np.zeros((int(inverse.max()) + 1, x.shape[1]))
    np.add.at(block_sums, inverse, x)
    rest = sums[labels] - block_sums[inverse]
    norm = np.linalg.norm(rest, axis=1)
    # A speaker heard in one block only has no held-out centroid: it cannot show it differs.
    own = np.where(norm > 1e-9, np.sum(x * rest, axis=1) / np.maximum(norm, 1e-12), -1.0)
    beats = (own[:, None] > x @ normalize_rows(sums).T).astype(float)
    hits = np.zeros((k, k))
    np.add.at(hits, labels, beats)
    counts = np.bincount(labels, minlength=k).astype(float)
    return (hits + hits.T) / np.maximum(counts[:, None] + counts[None, :], 1.0)



def _sub_runs(idx: np.ndarray) -> list[slice]:
    """Slices of consecutive window indices within idx (positions into idx)."""
    cuts = np.flatnonzero(np.diff(idx) != 1) + 1
    bounds = np.r_[0, cuts, len(idx)]
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def two_means(x: np.ndarray, runs: list[slice], penalty: float, restarts: int = 5, iterations: int = 20,
              seed: int = 0) -> np.ndarray:
    """Best of a few smoothed spherical 2-means runs (by total similarity to the own centroid), started from
    two distant units of about 20 windows."""
    units, _, _ = units_of(x, runs, 20)
    rng = np.random.default_rng(seed)
    best, best_score = np.zeros(len(x), dtype=int), -np.inf
    if len(units) < 2:
        return best
    for _ in range(restarts):
        first = int(rng.integers(len(units)))
        far = np.maximum(1.0 - units @ units[first], 0.0) ** 2
        if far.sum() <= 0:
            break
        second = int(rng.choice(len(units), p=far / far.sum()))
        cents = units[[first, second]]
        labels = resegment(x, runs, cents, penalty)
        for _ in range(iterations):
            counts = np.bincount(labels, minlength=2)
            cents = np.where((counts > 0)[:, None], centroids_of(x, labels, 2), cents)
            new = resegment(x, runs, cents, penalty)
            if np.array_equal(new, labels):
                break
            labels = new
        score = float(np.sum(x * cents[labels]))
        if score > best_score:
            best, best_score = labels, score
    return best


def split_two_voices(x: np.ndarray, labels: np.ndarray, min_part: int, separation: float, penalty: float,
                     block: int) -> np.ndarray:
    """Split each speaker whose windows fall into two parts of at least min_part windows that tell each other
    apart out of sample (heldout_separation >= separation), until none does."""
    labels = labels.copy()
    tried: set[tuple[int, ...]] = set()
    changed = True
    while changed:
        changed = False
        for c in range(int(labels.max()) + 1):
            idx = np.flatnonzero(labels == c)
            key = (len(idx), int(idx[0]) if len(idx) else -1)
            if len(idx) < 2 * min_part or key in tried:
                continue
            tried.add(key)
            part = two_means(x[idx], _sub_runs(idx), penalty)
            sizes = np.bincount(part, minlength=2)
            if sizes.min() < min_part:
                continue
            if heldout_separation(x[idx], part, 2, block)[0, 1] >= separation:
                labels[idx[part == 1]] = int(labels.max()) + 1
                changed = True
    return labels
