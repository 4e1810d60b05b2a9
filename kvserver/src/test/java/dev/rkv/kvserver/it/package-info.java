/**
 * Black-box suites that run rkv over real sockets, mostly side by side with Debian's real
 * redis-server 7.0 ({@link dev.rkv.kvserver.testing.RedisReference}):
 * <ul>
 *   <li>{@code DifferentialIT}: hand-written sequences per command family and a seeded random
 *       generator ({@code CommandGenerator}); raw replies must match byte for byte, apart from
 *       the normalisations in {@code DualClient#equivalent}. Replay a random failure with
 *       {@code -Drkv.diff.seed=N}; lengthen runs with {@code -Drkv.diff.commands=N}.</li>
 *   <li>{@code KeyspaceNotificationsRandomIT}: the generator's commands with every keyspace event
 *       class on; a pattern subscriber on each server must see the same messages.</li>
 *   <li>{@code HostileInputIT}: malformed RESP, limits, floods, fuzzing ({@code -Drkv.fuzz.seed=N}).</li>
 *   <li>{@code ToolsIT}: redis-cli and redis-benchmark unchanged against rkv.</li>
 *   <li>{@code JedisIT}: application-style use through Jedis's typed API.</li>
 * </ul>
 * {@code Implemented.COMMANDS} gates what the suites send; keep it current as families land.
 * {@code -Drkv.diff.twins=true} runs {@code DifferentialIT} against two redis-servers with every
 * gate open, which proves the suite itself deterministic: it must pass in that mode.
 */
package dev.rkv.kvserver.it;
