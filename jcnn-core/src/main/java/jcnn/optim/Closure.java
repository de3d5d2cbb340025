package jcnn.optim;

/**
 * Re-evaluates the model on the current batch: runs forward and backward at the current weights, leaving fresh
 * gradients in every {@link jcnn.nn.Parameter#grad()}, and returns the loss. PyTorch's {@code closure} argument
 * of {@code optimizer.step}. SAM calls it at the perturbed weights; Eve calls it when no loss was given.
 */
@FunctionalInterface
public interface Closure {
    /** Forward and backward on the same batch; returns the loss. */
    double evaluate();
}
