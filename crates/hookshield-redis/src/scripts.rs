//! The Lua scripts that settle a reservation only for its owner, atomically, in one round
//! trip each (`EVALSHA`, falling back to `EVAL` once after a Redis restart).

use std::sync::LazyLock;

use redis::Script;

/// `commit`: mark done for the TTL if the caller still owns the reservation.
/// `KEYS[1]` the key, `ARGV[1]` the owner's value, `ARGV[2]` the TTL in milliseconds.
pub(crate) static COMMIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then
            redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
            return 1
        end
        return 0",
    )
});

/// `release`: delete the key if the caller still owns the reservation.
/// `KEYS[1]` the key, `ARGV[1]` the owner's value.
pub(crate) static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
        end
        return 0",
    )
});
