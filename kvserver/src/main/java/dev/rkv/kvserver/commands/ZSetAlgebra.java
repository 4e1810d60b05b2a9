package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.ScoreOrder;
import dev.rkv.kvserver.store.ZSetValue.Member;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Union, intersection and difference of weighted sorted sets, with Redis's arithmetic: a weighted
 * score that is NaN (0 x inf) counts as 0, and so does a NaN sum (inf + -inf). The result is in
 * sorted-set order.
 */
final class ZSetAlgebra {
    private ZSetAlgebra() {
    }

    /**
     * @param inputs one member list per key, null for a missing key
     * @param op "UNION", "INTER" or "DIFF"
     * @param limit for ZINTERCARD, stop after this many (0: no limit)
     */
    static List<Member> combine(List<List<Member>> inputs, double[] weights, String aggregate, String op, long limit) {
        Map<Key, Double> result = new LinkedHashMap<>();
        switch (op) {
            case "UNION" -> {
                for (int i = 0; i < inputs.size(); i++) {
                    if (inputs.get(i) == null) {
                        continue;
                    }
                    for (Member m : inputs.get(i)) {
                        double v = weighted(m.score(), weights[i]);
                        result.merge(new Key(m.member()), v, (a, b) -> aggregate(a, b, aggregate));
                    }
                }
            }
            case "INTER" -> {
                for (List<Member> in : inputs) {
                    if (in == null) {
                        return List.of();
                    }
                }
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < inputs.size(); i++) {
                    order.add(i);
                }
                order.sort(Comparator.comparingInt(i -> inputs.get(i).size()));
                List<Map<Key, Double>> lookups = new ArrayList<>();
                for (List<Member> in : inputs) {
                    Map<Key, Double> m = new HashMap<>();
                    in.forEach(x -> m.put(new Key(x.member()), x.score()));
                    lookups.add(m);
                }
                int first = order.get(0);
                for (Member m : inputs.get(first)) {
                    Key k = new Key(m.member());
                    double v = weighted(m.score(), weights[first]);
                    boolean everywhere = true;
                    for (int o = 1; o < order.size() && everywhere; o++) {
                        int idx = order.get(o);
                        Double s = lookups.get(idx).get(k);
                        if (s == null) {
                            everywhere = false;
                        } else {
                            v = aggregate(v, weighted(s, weights[idx]), aggregate);
                        }
                    }
                    if (everywhere) {
                        result.put(k, v);
                        if (limit > 0 && result.size() >= limit) {
                            break;
                        }
                    }
                }
            }
            default -> {
                if (inputs.get(0) == null) {
                    return List.of();
                }
                List<Map<Key, Double>> others = new ArrayList<>();
                for (int i = 1; i < inputs.size(); i++) {
                    Map<Key, Double> m = new HashMap<>();
                    if (inputs.get(i) != null) {
                        inputs.get(i).forEach(x -> m.put(new Key(x.member()), x.score()));
                    }
                    others.add(m);
                }
                for (Member m : inputs.get(0)) {
                    Key k = new Key(m.member());
                    boolean elsewhere = false;
                    for (Map<Key, Double> o : others) {
                        elsewhere |= o.containsKey(k);
                    }
                    if (!elsewhere) {
                        result.put(k, m.score());
                    }
                }
            }
        }
        List<Member> out = new ArrayList<>(result.size());
        result.forEach((k, v) -> out.add(new Member(k.bytes(), v)));
        out.sort((a, b) -> ScoreOrder.compare(a.score(), a.member(), b.score(), b.member()));
        return out;
    }

    private static double weighted(double score, double weight) {
        double v = score * weight;
        return Double.isNaN(v) ? 0 : v;
    }

    private static double aggregate(double a, double b, String how) {
        return switch (how) {
            case "min" -> Math.min(a, b);
            case "max" -> Math.max(a, b);
            default -> {
                double sum = a + b;
                yield Double.isNaN(sum) ? 0 : sum;
            }
        };
    }
}
