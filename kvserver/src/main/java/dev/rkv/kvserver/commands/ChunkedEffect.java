package dev.rkv.kvserver.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * A variadic write of many arguments (SREM of what SPOP took, SADD/ZADD/RPUSH of a stored
 * result) as several effects {@code command key arg...} of at most {@code perEffect} arguments
 * each, so that no single propagated command grows with the data.
 */
final class ChunkedEffect {
    private ChunkedEffect() {
    }

    static List<byte[][]> of(byte[] command, byte[] key, List<byte[]> arguments, int perEffect) {
        List<byte[][]> effects = new ArrayList<>();
        for (int from = 0; from < arguments.size(); from += perEffect) {
            int to = Math.min(arguments.size(), from + perEffect);
            byte[][] e = new byte[2 + to - from][];
            e[0] = command;
            e[1] = key;
            for (int i = from; i < to; i++) {
                e[2 + i - from] = arguments.get(i);
            }
            effects.add(e);
        }
        return effects;
    }
}
