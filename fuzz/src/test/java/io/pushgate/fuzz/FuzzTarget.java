package io.pushgate.fuzz;

/**
 * One fuzz target: what a remote party (or an operator's typo) can feed us. An input must be
 * handled or refused cleanly; anything it throws is a finding. Each target class also has the
 * static {@code fuzzerTestOneInput(byte[])} that Jazzer calls.
 */
interface FuzzTarget {
    void run(byte[] input) throws Exception;
}
