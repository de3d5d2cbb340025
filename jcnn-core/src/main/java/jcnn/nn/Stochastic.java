package jcnn.nn;

/**
 * A layer that draws random numbers in training (Dropout). The trainer reseeds every such layer at the start
 * of each epoch from (run seed, epoch, layer index), so an epoch's randomness does not depend on what ran
 * before it — which is what lets a run resumed from a checkpoint end exactly like an uninterrupted one.
 */
public interface Stochastic {
    /** Restarts the layer's random sequence from {@code seed}. */
    Layer seed(long seed);
}
