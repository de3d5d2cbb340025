package jcnn.loss;

import jcnn.tensor.Tensor;

/**
 * A loss: {@link #forward} returns the mean loss over the batch and remembers what {@link #backward} needs;
 * backward returns dLoss/dPrediction (a buffer owned by the loss, overwritten by the next call).
 */
public interface Loss {
    /** The mean loss of {@code prediction} against {@code target}. */
    float forward(Tensor prediction, Tensor target);

    /** dLoss/dPrediction for the last forward. */
    Tensor backward();
}
