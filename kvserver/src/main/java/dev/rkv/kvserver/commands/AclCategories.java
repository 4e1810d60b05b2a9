package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.CommandFlag;
import dev.rkv.kvserver.command.CommandSpec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A command's ACL categories, derived as Redis 7.0 derives the implicit ones
 * (setImplicitACLCategories: write, read, admin and dangerous, pubsub, fast or slow, blocking)
 * plus the ones the spec names, or else the one its group stands for (string commands are
 * {@code @string}, generic ones {@code @keyspace} ...; containers get none),
 * listed in Redis's category order.
 */
final class AclCategories {
    /** Redis's ACLCommandCategories, in its order. */
    private enum Category {
        KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM, PUBSUB, ADMIN,
        FAST, SLOW, BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING
    }

    private AclCategories() {
    }

    static List<String> of(CommandSpec spec) {
        Set<Category> cats = EnumSet.noneOf(Category.class);
        if (spec.has(CommandFlag.WRITE)) {
            cats.add(Category.WRITE);
        }
        if (spec.has(CommandFlag.READONLY)) {
            cats.add(Category.READ);
        }
        if (spec.has(CommandFlag.ADMIN)) {
            cats.add(Category.ADMIN);
            cats.add(Category.DANGEROUS);
        }
        if (spec.has(CommandFlag.PUBSUB)) {
            cats.add(Category.PUBSUB);
        }
        cats.add(spec.has(CommandFlag.FAST) ? Category.FAST : Category.SLOW);
        if (spec.has(CommandFlag.BLOCKING)) {
            cats.add(Category.BLOCKING);
        }
        if (spec.aclCategories() != null) {
            for (String explicit : spec.aclCategories()) {
                cats.add(Category.valueOf(explicit.toUpperCase(Locale.ROOT)));
            }
            return names(cats);
        }
        Category group = spec.isContainer() ? null : switch (spec.group()) {
            case "generic" -> Category.KEYSPACE;
            case "string" -> Category.STRING;
            case "list" -> Category.LIST;
            case "hash" -> Category.HASH;
            case "set" -> Category.SET;
            case "sorted_set" -> Category.SORTEDSET;
            case "bitmap" -> Category.BITMAP;
            case "hyperloglog" -> Category.HYPERLOGLOG;
            case "geo" -> Category.GEO;
            case "stream" -> Category.STREAM;
            case "pubsub" -> Category.PUBSUB;
            case "connection" -> Category.CONNECTION;
            case "transactions" -> Category.TRANSACTION;
            case "scripting" -> Category.SCRIPTING;
            default -> null;
        };
        if (group != null) {
            cats.add(group);
        }
        return names(cats);
    }

    private static List<String> names(Set<Category> cats) {
        List<String> names = new ArrayList<>();
        for (Category c : cats) {
            names.add(c.name().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
