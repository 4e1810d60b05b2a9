package dev.rkv.kvserver.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ordered part of a big sorted set, as Redis's zskiplist: a skip list whose links carry
 * spans, so that inserting, deleting, finding a member's rank and the member at a rank are all
 * O(log n). Members are unique (the sorted set's table guarantees it); order is score, then bytes.
 */
final class ScoreSkipList {
    private static final int MAX_LEVEL = 32;
    private static final double P = 0.25;

    static final class Node {
        final byte[] member;
        final double score;
        final Node[] next;
        final long[] span;
        Node prev;

        Node(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            this.next = new Node[level];
            this.span = new long[level];
        }
    }

    private final Node head = new Node(new byte[0], 0, MAX_LEVEL);
    private Node tail;
    private int level = 1;
    private long length;

    long length() {
        return length;
    }

    private static int randomLevel() {
        int l = 1;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (l < MAX_LEVEL && rnd.nextDouble() < P) {
            l++;
        }
        return l;
    }

    void insert(byte[] member, double score) {
        Node[] update = new Node[MAX_LEVEL];
        long[] rank = new long[MAX_LEVEL];
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.next[i] != null && ScoreOrder.compare(x.next[i].score, x.next[i].member, score, member) < 0) {
                rank[i] += x.span[i];
                x = x.next[i];
            }
            update[i] = x;
        }
        int lvl = randomLevel();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = head;
                update[i].span[i] = length;
            }
            level = lvl;
        }
        Node n = new Node(member, score, lvl);
        for (int i = 0; i < lvl; i++) {
            n.next[i] = update[i].next[i];
            update[i].next[i] = n;
            n.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = rank[0] - rank[i] + 1;
        }
        for (int i = lvl; i < level; i++) {
            update[i].span[i]++;
        }
        n.prev = update[0] == head ? null : update[0];
        if (n.next[0] != null) {
            n.next[0].prev = n;
        } else {
            tail = n;
        }
        length++;
    }

    /** Removes the node of (member, score); true when it was there. */
    boolean delete(byte[] member, double score) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && ScoreOrder.compare(x.next[i].score, x.next[i].member, score, member) < 0) {
                x = x.next[i];
            }
            update[i] = x;
        }
        x = x.next[0];
        if (x == null || ScoreOrder.compare(x.score, x.member, score, member) != 0) {
            return false;
        }
        for (int i = 0; i < level; i++) {
            if (update[i].next[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].next[i] = x.next[i];
            } else {
                update[i].span[i]--;
            }
        }
        if (x.next[0] != null) {
            x.next[0].prev = x.prev;
        } else {
            tail = x.prev;
        }
        while (level > 1 && head.next[level - 1] == null) {
            level--;
        }
        length--;
        return true;
    }

    /** 0-based rank of (member, score), which must be present. */
    long rank(byte[] member, double score) {
        long rank = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && ScoreOrder.compare(x.next[i].score, x.next[i].member, score, member) <= 0) {
                rank += x.span[i];
                x = x.next[i];
            }
            if (x != head && ScoreOrder.compare(x.score, x.member, score, member) == 0) {
                return rank - 1;
            }
        }
        return -1;
    }

    /** The node at a 0-based rank, or null. */
    Node byRank(long rank) {
        long traversed = 0;
        long target = rank + 1;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && traversed + x.span[i] <= target) {
                traversed += x.span[i];
                x = x.next[i];
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    /** The first node that is not below (score, member) in the order, or null: a lower bound. */
    Node ceiling(double score, byte[] member) {
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && ScoreOrder.compare(x.next[i].score, x.next[i].member, score, member) < 0) {
                x = x.next[i];
            }
        }
        return x.next[0];
    }

    Node first() {
        return head.next[0];
    }

    Node last() {
        return tail;
    }

    /** Rank of a node found by walking: counted from the head (O(log n) through rank()). */
    long rankOf(Node n) {
        return rank(n.member, n.score);
    }
}
