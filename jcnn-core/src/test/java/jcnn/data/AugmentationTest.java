package jcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcnn.data.Augmentation.Draw;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    /** (2, 4, 5) with distinct non-zero values. */
    private static Tensor image() {
        Tensor t = Tensor.arange(2, 4, 5);
        for (int i = 0; i < t.numel(); i++) t.data()[i] += 1;
        return t;
    }

    @Test
    void shiftMovesContentByTheOffsetWithZeroFill() {
        Tensor in = image();
        for (int dy = -5; dy <= 5; dy++) {
            for (int dx = -6; dx <= 6; dx++) {
                Tensor out = Augmentation.apply(new Draw(dy, dx, false), in);
                for (int c = 0; c < 2; c++) {
                    for (int y = 0; y < 4; y++) {
                        for (int x = 0; x < 5; x++) {
                            int sy = y - dy, sx = x - dx;
                            float expected = sy >= 0 && sy < 4 && sx >= 0 && sx < 5 ? in.get(c, sy, sx) : 0f;
                            assertEquals(expected, out.get(c, y, x), "dy=" + dy + " dx=" + dx + " at " + c + "," + y + "," + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void flipMirrorsAndTwiceIsTheIdentity() {
        Tensor in = image();
        Draw flip = new Draw(0, 0, true);
        Tensor once = Augmentation.apply(flip, in);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) assertEquals(in.get(c, y, 4 - x), once.get(c, y, x));
            }
        }
        assertArrayEquals(in.data(), Augmentation.apply(flip, once).data());
    }

    @Test
    void flipThenShift() {
        Tensor in = image();
        Tensor both = Augmentation.apply(new Draw(1, -2, true), in);
        Tensor stepwise = Augmentation.apply(new Draw(1, -2, false), Augmentation.apply(new Draw(0, 0, true), in));
        assertArrayEquals(stepwise.data(), both.data());
    }

    @Test
    void drawsAreDeterministicInRangeAndCoverEveryOffset() {
        Augmentation aug = Augmentation.shift(2).withHorizontalFlip(0.5);
        int[] seenDy = new int[5], seenDx = new int[5];
        int flips = 0, n = 4000;
        for (int s = 0; s < n; s++) {
            Draw d = aug.draw(11, 3, s);
            assertEquals(d, aug.draw(11, 3, s), "pure function of (seed, epoch, sample)");
            assertTrue(Math.abs(d.dy()) <= 2 && Math.abs(d.dx()) <= 2, d.toString());
            seenDy[d.dy() + 2]++;
            seenDx[d.dx() + 2]++;
            if (d.flip()) flips++;
        }
        for (int k = 0; k < 5; k++) {
            assertEquals(n / 5.0, seenDy[k], 0.1 * n / 5, "dy uniform");
            assertEquals(n / 5.0, seenDx[k], 0.1 * n / 5, "dx uniform");
        }
        assertEquals(n / 2.0, flips, 0.05 * n, "flip probability 0.5");

        int differentEpoch = 0, differentSeed = 0;
        for (int s = 0; s < 100; s++) {
            if (!aug.draw(11, 3, s).equals(aug.draw(11, 4, s))) differentEpoch++;
            if (!aug.draw(11, 3, s).equals(aug.draw(12, 3, s))) differentSeed++;
        }
        assertTrue(differentEpoch > 80, "epochs draw anew: " + differentEpoch);
        assertTrue(differentSeed > 80, "seeds draw anew: " + differentSeed);
    }

    @Test
    void noFlipsByDefault() {
        Augmentation aug = Augmentation.shift(3);
        for (int s = 0; s < 1000; s++) assertFalse(aug.draw(1, 0, s).flip());
        assertEquals(Draw.IDENTITY, Augmentation.none().draw(1, 2, 3));
    }

    @Test
    void valueType() {
        assertEquals("Augmentation(shift=2)", Augmentation.shift(2).toString());
        assertEquals("Augmentation(shift=4, horizontalFlip=0.5)", Augmentation.shift(4).withHorizontalFlip(0.5).toString());
        assertEquals("Augmentation(horizontalFlip=0.5)", Augmentation.none().withHorizontalFlip(0.5).toString());
        assertEquals("Augmentation(none)", Augmentation.none().toString());
        assertTrue(Augmentation.shift(0).isIdentity());
        assertEquals(Augmentation.shift(2), Augmentation.none().withShift(2));
        assertNotEquals(Augmentation.shift(2), Augmentation.shift(2).withHorizontalFlip(0.1));
        assertEquals(2, Augmentation.shift(2).maxShift());
        assertEquals("Augmentation: shift must be >= 0 pixels, got -1",
                assertThrows(IllegalArgumentException.class, () -> Augmentation.shift(-1)).getMessage());
        assertEquals("Augmentation: flip probability must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Augmentation.none().withHorizontalFlip(1.5)).getMessage());
    }
}
