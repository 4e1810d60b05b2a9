package dev.rkv.kvserver.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.config.ConfigException;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis 7.0's protected configs and DEBUG switch, byte for byte against redis-server: by default
 * a client can neither point the RDB file somewhere else (dir, dbfilename) nor run DEBUG.
 */
class ProtectedConfigsIT {
    @TempDir
    Path tmp;

    private List<String> exchange(int port, String... commands) throws Exception {
        try (RawClient c = new RawClient(port)) {
            for (String command : commands) {
                c.send(command + "\r\n");
            }
            return c.readReplies(commands.length);
        }
    }

    private void sameReplies(String[] serverOptions, String... commands) throws Exception {
        try (RedisReference redis = RedisReference.start(serverOptions);
             RkvTestServer rkv = RkvTestServer.start(serverOptions)) {
            List<String> fromRedis = exchange(redis.port(), commands);
            List<String> fromRkv = exchange(rkv.port(), commands);
            assertEquals(fromRedis, fromRkv);
        }
    }

    @Test
    void byDefaultDirAndDbfilenameCannotBeSetNorDebugRun() throws Exception {
        String[] commands = {
            "CONFIG SET dir " + tmp,
            "CONFIG SET dbfilename x.rdb",
            "CONFIG SET dbfilename ../../etc/cron.d/x",
            "CONFIG SET maxclients 100 dir /tmp",
            "CONFIG SET enable-protected-configs yes",
            "CONFIG GET enable-protected-configs",
            "CONFIG GET enable-debug-command",
            "DEBUG SLEEP 0",
            "CONFIG GET dbfilename",
        };
        sameReplies(new String[0], commands);
        try (RkvTestServer rkv = RkvTestServer.start()) {
            List<String> replies = exchange(rkv.port(), commands);
            assertTrue(replies.get(0).contains("can't set protected config"), replies.get(0));
            assertTrue(replies.get(7).startsWith("-ERR DEBUG command not allowed"), replies.get(7));
        }
    }

    @Test
    void localAllowsLoopbackClientsAndAPathIsNeverADbfilename() throws Exception {
        String[] options = {"--enable-protected-configs", "local", "--enable-debug-command", "local"};
        String[] commands = {
            "CONFIG SET dbfilename ../../etc/cron.d/x",
            "CONFIG SET dbfilename /tmp/x.rdb",
            "CONFIG SET dbfilename x.rdb",
            "CONFIG GET dbfilename",
            "CONFIG SET dir /no/such/dir",
            "DEBUG SLEEP 0",
        };
        sameReplies(options, commands);
        try (RkvTestServer rkv = RkvTestServer.start(options)) {
            assertEquals("+OK\r\n", exchange(rkv.port(), "CONFIG SET dir " + tmp).get(0));
            assertEquals(tmp.toRealPath().toString(), rkv.jedis().configGet("dir").get("dir"));
        }
    }

    @Test
    void aDbfilenameWithASlashIsRefusedAtStartupToo() throws Exception {
        ServerConfig config = new ServerConfig();
        ConfigException e = assertThrows(ConfigException.class, () -> config.applyArgs(List.of("--dbfilename", "sub/dump.rdb")));
        assertTrue(e.getMessage().contains("dbfilename can't be a path, just a filename"), e.getMessage());
        // In a directory of the test's own, so that "../dump.rdb" names a place nothing else writes.
        Path dir = Files.createDirectory(tmp.resolve("conf"));
        Path file = Files.writeString(dir.resolve("rkv.conf"), "dbfilename ../dump.rdb\n");
        assertThrows(ConfigException.class, () -> new ServerConfig().loadFile(file));
        assertFalse(Files.exists(tmp.resolve("dump.rdb")));
    }
}
