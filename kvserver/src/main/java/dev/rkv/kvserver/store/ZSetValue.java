package dev.rkv.kvserver.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A sorted set, encoded as Redis 7.0 encodes it: a "listpack" (members kept sorted in an array)
 * while it has at most {@code zset-max-listpack-entries} members of at most
 * {@code zset-max-listpack-value} bytes, a "skiplist" beyond (a skip list with spans for ranks and
 * a hash table from member to score). Never converts back. Ranks are 0-based, in ascending order.
 */
public final class ZSetValue extends MutableValue {
    /** A member and its score. */
    public record Member(byte[] member, double score) {
    }

    /** Listpack encoding: sorted by score, then member; null once converted. */
    private ArrayList<Member> sorted;
    private ScoreSkipList list;
    private ElementTable<Double> table;

    private ZSetValue(boolean skiplist) {
        if (skiplist) {
            list = new ScoreSkipList();
            table = new ElementTable<>();
        } else {
            sorted = new ArrayList<>();
        }
    }

    /** An empty sorted set in the encoding its expected size and longest member call for (zsetTypeCreate). */
    public static ZSetValue create(long sizeHint, long longestMember, ZSetLimits limits) {
        return new ZSetValue(sizeHint > limits.maxListpackEntries() || longestMember > limits.maxListpackValue());
    }

    @Override
    public String encodingName() {
        return sorted != null ? "listpack" : "skiplist";
    }

    public boolean isListpack() {
        return sorted != null;
    }

    @Override
    public long size() {
        return sorted != null ? sorted.size() : list.length();
    }

    private int indexOf(byte[] member) {
        for (int i = 0; i < sorted.size(); i++) {
            if (Arrays.equals(sorted.get(i).member(), member)) {
                return i;
            }
        }
        return -1;
    }

    /** The member's score, or null when absent. */
    public Double score(byte[] member) {
        if (sorted == null) {
            return table.get(member);
        }
        int i = indexOf(member);
        return i < 0 ? null : sorted.get(i).score();
    }

    /** Sets a member's score (adding it when new), converting first when the limits say so. */
    public void put(byte[] member, double score, ZSetLimits limits) {
        if (score == 0.0) {
            score = 0.0; // -0 is stored as 0, as Redis's listpack stores it
        }
        if (sorted != null && member.length > limits.maxListpackValue()) {
            convertToSkipList();
        }
        if (sorted == null) {
            Double old = table.put(member, score);
            if (old != null) {
                list.delete(member, old);
            }
            list.insert(member, score);
            return;
        }
        int old = indexOf(member);
        if (old >= 0) {
            sorted.remove(old);
        }
        int at = insertionPoint(score, member);
        sorted.add(at, new Member(member, score));
        if (sorted.size() > limits.maxListpackEntries()) {
            convertToSkipList();
        }
    }

    private int insertionPoint(double score, byte[] member) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Member m = sorted.get(mid);
            if (ScoreOrder.compare(m.score(), m.member(), score, member) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Removes a member; true when it was there. */
    public boolean remove(byte[] member) {
        if (sorted == null) {
            Double old = table.get(member);
            if (old == null) {
                return false;
            }
            table.remove(member);
            list.delete(member, old);
            return true;
        }
        int i = indexOf(member);
        if (i < 0) {
            return false;
        }
        sorted.remove(i);
        return true;
    }

    public void convertToSkipList() {
        if (sorted == null) {
            return;
        }
        list = new ScoreSkipList();
        table = new ElementTable<>();
        for (Member m : sorted) {
            list.insert(m.member(), m.score());
            table.put(m.member(), m.score());
        }
        sorted = null;
    }

    /** The member's 0-based rank in ascending order, or -1 when absent. */
    public long rank(byte[] member) {
        if (sorted == null) {
            Double s = table.get(member);
            return s == null ? -1 : list.rank(member, s);
        }
        return indexOf(member);
    }

    /** The member at a rank in [0, size). */
    public Member at(long rank) {
        if (sorted != null) {
            return sorted.get((int) rank);
        }
        ScoreSkipList.Node n = list.byRank(rank);
        return new Member(n.member, n.score);
    }

    /** Visits ranks [from, to] (valid, from <= to), ascending or, with {@code reverse}, from {@code to} down. */
    public void forRanks(long from, long to, boolean reverse, BiConsumer<byte[], Double> action) {
        if (sorted != null) {
            if (reverse) {
                for (long r = to; r >= from; r--) {
                    Member m = sorted.get((int) r);
                    action.accept(m.member(), m.score());
                }
            } else {
                for (long r = from; r <= to; r++) {
                    Member m = sorted.get((int) r);
                    action.accept(m.member(), m.score());
                }
            }
            return;
        }
        ScoreSkipList.Node n = list.byRank(reverse ? to : from);
        for (long k = from; k <= to && n != null; k++) {
            action.accept(n.member, n.score);
            n = reverse ? n.prev : n.next[0];
        }
    }

    /**
     * The number of members ranked before the first one not below the bound: the rank where
     * "score >= min" (or "> min" when exclusive) starts.
     */
    public long firstRankFrom(double min, boolean exclusive) {
        return searchRank(m -> exclusive ? m.score() > min : m.score() >= min);
    }

    /** Rank one past the last member with score <= max (or < max when exclusive). */
    public long endRankTo(double max, boolean exclusive) {
        return searchRank(m -> exclusive ? m.score() >= max : m.score() > max);
    }

    /** The first rank whose member satisfies {@code after}, which must hold for a suffix of the order. */
    public long searchRank(java.util.function.Predicate<Member> after) {
        long lo = 0;
        long hi = size();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (after.test(at(mid))) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    public void forEach(BiConsumer<byte[], Double> action) {
        if (size() > 0) {
            forRanks(0, size() - 1, false, action);
        }
    }

    /** ZSCAN: a listpack is returned whole (cursor 0 next), as Redis does; a skiplist by its table's buckets. */
    public long scan(long cursor, long count, BiConsumer<byte[], Double> action) {
        if (sorted != null) {
            forEach(action);
            return 0;
        }
        return table.scan(cursor, count, action);
    }

    /** A random member, or null when empty. */
    public Member random() {
        long n = size();
        return n == 0 ? null : at(ThreadLocalRandom.current().nextLong(n));
    }

    public List<Member> members() {
        List<Member> out = new ArrayList<>((int) size());
        forEach((m, s) -> out.add(new Member(m, s)));
        return out;
    }

    @Override
    public ZSetValue copy() {
        ZSetValue z = new ZSetValue(sorted == null);
        if (sorted != null) {
            z.sorted.addAll(sorted);
        } else {
            forEach((m, s) -> {
                z.list.insert(m, s);
                z.table.put(m, s);
            });
        }
        return z;
    }

    @Override
    public long memoryUsage() {
        long[] bytes = {64};
        forEach((m, s) -> bytes[0] += m.length + (sorted != null ? 24 : 120));
        return bytes[0];
    }

    @Override
    public long memoryUsage(long samples) {
        if (sorted != null || samplesAll(samples)) {
            return memoryUsage();
        }
        long[] seen = {0, 0};
        table.scan(0, samples, (m, s) -> {
            seen[0] += m.length + 120;
            seen[1]++;
        });
        return scaled(64, seen[0], seen[1], size());
    }
}
