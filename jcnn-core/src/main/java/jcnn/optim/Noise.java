package jcnn.optim;

/**
 * Counter-based standard normal numbers: the draw for (seed, step, parameter, element) is a pure function of
 * those four numbers, so a stochastic optimizer needs no generator state to save, and a resumed run draws the
 * same noise as an uninterrupted one. SplitMix64's finaliser hashes the counters; Box-Muller turns two
 * 53-bit uniforms into a normal.
 */
final class Noise {
    private Noise() {}

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** SplitMix64's output function: a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The key of one (seed, step, parameter) triple; elements are counted from it. */
    static long key(long seed, long step, int param) {
        return mix(mix(mix(seed + GOLDEN) + step * GOLDEN) + (long) param * GOLDEN);
    }

    /** N(0, 1) for element {@code element} under {@code key}. */
    static double gaussian(long key, int element) {
        long a = mix(key + (2L * element + 1) * GOLDEN);
        long b = mix(key + (2L * element + 2) * GOLDEN);
        double u1 = ((a >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (b >>> 11) * 0x1.0p-53;       // [0, 1)
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    static double gaussian(long seed, long step, int param, int element) {
        return gaussian(key(seed, step, param), element);
    }
}
