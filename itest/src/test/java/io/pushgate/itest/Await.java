package io.pushgate.itest;

import java.util.function.BooleanSupplier;

/** Waits for a condition instead of sleeping a fixed time. */
final class Await {
    private Await() {}

    static void until(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("not within " + seconds + " s: " + what);
            Thread.sleep(100);
        }
    }
}
