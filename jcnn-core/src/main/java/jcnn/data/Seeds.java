package jcnn.data;

/**
 * Derives independent 64-bit seeds from (seed, epoch, sample) tuples, so that everything random in the data
 * pipeline is a pure function of its coordinates and a resumed run redraws exactly what an uninterrupted one drew.
 */
final class Seeds {
    private Seeds() {}

    /** A well-mixed combination of {@code seed} and {@code value} (distinct inputs give unrelated outputs). */
    static long mix(long seed, long value) {
        // Weyl step by the golden ratio, then the 64-bit finaliser of MurmurHash3 (Appleby): every input bit
        // flips about half of the output bits.
        long h = seed + 0x9E3779B97F4A7C15L * (value + 1);
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /** The seed of the shuffle of epoch {@code epoch}. */
    static long epoch(long seed, int epoch) {
        return mix(mix(seed, 0x5348554646L), epoch);
    }

    /** The seed of the augmentation of dataset image {@code sample} in epoch {@code epoch}. */
    static long sample(long seed, int epoch, int sample) {
        return mix(mix(mix(seed, 0x4155474dL), epoch), sample);
    }
}
