package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.FactorMatrix;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.FactorStore;
import dev.kindred.math.MappedFactors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 2 of the model file: mapped factor sections in fp32 / bf16 / fp16, version 1 files still
 * read, files over 2 GiB, non-finite factors reported by section, and the write safety of
 * {@link AtomicWrite}.
 */
class ModelFileVersion2Test {

  @TempDir
  Path dir;

  @Test
  void versionOneFilesWrittenByTheRetainedWriterStillRead() throws IOException {
    for (LatentFactorModel m : new LatentFactorModel[] {ModelFileTest.numericModel(), ModelFileTest.stringModel()}) {
      Path file = dir.resolve("v1.kindred");
      ModelFile.writeVersion1(m, file);
      assertThat(Files.readAllBytes(file)[8]).isEqualTo((byte) 1);
      Model read = ModelFile.read(file);
      ModelFileTest.assertSameModel(read, m);
      assertThat(((LatentFactorModel) read).itemStore()).isInstanceOf(FactorMatrix.class);
    }
  }

  @Test
  void factorSectionsAreMappedAtPageBoundaries() throws IOException {
    LatentFactorModel m = ModelFileTest.numericModel();
    Path file = dir.resolve("model.kindred");
    ModelFile.write(m, file);
    LatentFactorModel read = (LatentFactorModel) ModelFile.read(file);
    ModelFileTest.assertSameModel(read, m);
    for (FactorStore s : new FactorStore[] {read.userStore(), read.itemStore()}) {
      assertThat(s).isInstanceOf(MappedFactors.class);
      assertThat(((MappedFactors) s).segment().address() % ModelFile.ALIGNMENT).isZero();
    }
    for (int u = 0; u < 4; u++) {
      for (int i = 0; i < 7; i++) assertThat(read.score(u, i)).isEqualTo(m.score(u, i));
    }
  }

  @Test
  void identityIndicesAreStoredAsTheirSize() throws IOException {
    LatentFactorModel m = Fixtures.model(9, 50, 40, 8, false);
    assertThat(m.userIndex().isIdentity()).isTrue();
    Path file = dir.resolve("model.kindred");
    ModelFile.write(m, file);
    LatentFactorModel read = (LatentFactorModel) ModelFile.read(file);
    assertThat(read.userIndex().isIdentity()).isTrue();
    assertThat(read.userIndex()).isEqualTo(IdIndex.ofLongs(m.userIndex().longIds()));
    ModelFileTest.assertSameModel(read, m);
  }

  @Test
  void hashedUserIndicesAreStoredAsTheirBucketCount() throws IOException {
    LatentFactorModel m = Fixtures.model(9, 50, 40, 8, false);
    LatentFactorModel hashed = new LatentFactorModel(m.provenance(), IdIndex.hashed(50), m.itemIndex(), m.globalMean(),
        m.userBiases(), m.itemBiases(), m.userStore(), m.itemStore());
    Path file = dir.resolve("hashed.kindred");
    ModelFile.write(hashed, file);
    LatentFactorModel read = (LatentFactorModel) ModelFile.read(file);
    assertThat(read.userIndex()).isEqualTo(IdIndex.hashed(50));
    assertThat(read.userIndex().indexOf("a user never seen")).isEqualTo(IdIndex.bucketOf("a user never seen", 50));
    ModelFileTest.assertSameModel(read, hashed);
  }

  /**
   * 16-bit files are about half the size (sections of 2 bytes per element) and round each factor
   * to its nearest 16-bit value: relative error at most 2^-8 (bf16) and 2^-11 (fp16), plus fp16's
   * absolute spacing of 2^-24 near zero.
   */
  @Test
  void sixteenBitFactorsHalveTheFileAndRoundToNearest() throws IOException {
    LatentFactorModel m = Fixtures.model(4, 3000, 2000, 64, true);
    Path fp32 = dir.resolve("fp32.kindred");
    ModelFile.write(m, fp32);
    for (FactorPrecision p : new FactorPrecision[] {FactorPrecision.BF16, FactorPrecision.FP16}) {
      Path file = dir.resolve(p.label() + ".kindred");
      ModelFile.write(m, file, p);
      assertThat((double) Files.size(file) / Files.size(fp32)).as(p.label()).isBetween(0.49, 0.52);
      LatentFactorModel read = (LatentFactorModel) ModelFile.read(file);
      assertThat(read.itemStore().precision()).isEqualTo(p);
      double rel = p == FactorPrecision.BF16 ? 0x1p-8 : 0x1p-11;
      for (int i = 0; i < 2000; i += 37) {
        float[] want = m.itemStore().row(i);
        float[] got = read.itemStore().row(i);
        for (int d = 0; d < 64; d++) {
          assertThat(got[d]).isCloseTo(want[d], within((float) (Math.abs(want[d]) * rel + 0x1p-24)));
          assertThat(p.decode16(p.encode16(want[d]))).isEqualTo(got[d]);
        }
      }
      assertThat(read.userBiases()).containsExactly(m.userBiases());
    }
  }

  @Test
  void fp16RefusesFactorsOutsideItsRange() {
    LatentFactorModel m = ModelFileTest.numericModel(); // holds -Float.MAX_VALUE
    Path file = dir.resolve("fp16.kindred");
    assertThatThrownBy(() -> ModelFile.write(m, file, FactorPrecision.FP16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("item-factors row 5: value -3.4028235E38 does not fit fp16");
    assertThat(file).doesNotExist();
  }

  /** NaN in a factor section whose checksum is valid: reported as a bad file naming file and section. */
  @Test
  void nonFiniteFactorsAreABadFileNamingTheSection() throws IOException {
    LatentFactorModel good = Fixtures.model(2, 6, 5, 4, false);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(5 * 4 * 4L);
      for (int j = 0; j < 20; j++) seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j, j == 13 ? Float.NaN : 0.5f);
      LatentFactorModel bad = new LatentFactorModel(good.provenance(), good.userIndex(), good.itemIndex(), 0f, null,
          null, good.userStore(), new MappedFactors(seg, 5, 4, FactorPrecision.FP32));
      Path file = dir.resolve("nan.kindred");
      ModelFile.write(bad, file);
      assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(InvalidModelFileException.class)
          .hasMessage(file + ": bad model file: section 'item-factors' holds a NaN or infinite value in row 3"
              + " (the checksum matches: the model was written that way)");
      Path v1 = dir.resolve("nan-v1.kindred");
      ModelFile.writeVersion1(bad, v1);
      assertThatThrownBy(() -> ModelFile.read(v1)).isInstanceOf(InvalidModelFileException.class)
          .hasMessageStartingWith(v1 + ": bad model file: section 'item-factors' holds a NaN");
    }
  }

  /** Users whose rows are made on the fly, so a file of several GiB needs no heap. */
  record GeneratedFactors(int rows, int dim) implements FactorStore {
    static float value(int r, int c) {
      return (r % 4093) * 0.25f - c;
    }

    @Override
    public FactorPrecision precision() {
      return FactorPrecision.FP32;
    }

    @Override
    public void copyRow(int r, float[] dst, int dstOff) {
      for (int c = 0; c < dim; c++) dst[dstOff + c] = value(r, c);
    }

    @Override
    public float dot(int r, float[] x, int xo) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void scoreRows(int from, int count, float[] x, int xo, float[] out, int oo) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int firstNonFiniteRow() {
      return -1;
    }

    @Override
    public FactorMatrix toHeap() {
      throw new UnsupportedOperationException("too large for the heap");
    }
  }

  /**
   * A 2.2 GiB file (70M users x 8 fp32 factors, identity ids) round-trips: rows past the 2 GiB
   * mark read back exactly through the mapping. Writes and reads 2.2 GB of temporary disk.
   */
  @Test
  void filesOverTwoGibRoundTrip() throws IOException {
    int users = 70_000_000;
    int dim = 8;
    FactorMatrix items = new FactorMatrix(3, dim);
    items.set(1, 2, 1f);
    LatentFactorModel m = new LatentFactorModel(Fixtures.provenance("generated"), IdIndex.identity(users),
        IdIndex.identity(3), 0f, null, null, new GeneratedFactors(users, dim), items);
    Path file = dir.resolve("huge.kindred");
    ModelFile.write(m, file);
    assertThat(Files.size(file)).isGreaterThan(1L << 31);
    LatentFactorModel read = (LatentFactorModel) ModelFile.read(file);
    assertThat(read.numUsers()).isEqualTo(users);
    for (int u : new int[] {0, 67_108_863, 67_108_864, users - 1}) {
      float[] row = read.userStore().row(u);
      for (int c = 0; c < dim; c++) assertThat(row[c]).isEqualTo(GeneratedFactors.value(u, c));
      assertThat(read.score(u, 1)).isEqualTo(GeneratedFactors.value(u, 2));
    }
    Files.delete(file);
  }

  @Test
  void modelFilesGetTheDefaultPermissionsNotOwnerOnly() throws IOException {
    Path reference = Files.createFile(dir.resolve("reference"));
    Path file = dir.resolve("model.kindred");
    ModelFile.write(ModelFileTest.stringModel(), file);
    Set<PosixFilePermission> want = Files.getPosixFilePermissions(reference);
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(want);
  }

  @Test
  void specialFilesAndDirectoriesAreNotReplaced() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertThatThrownBy(() -> ModelFile.write(ModelFileTest.stringModel(), sub))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(sub + ": not a regular file (a directory); refusing to replace it");
    Path devNull = Path.of("/dev/null");
    if (Files.exists(devNull)) {
      assertThatThrownBy(() -> ModelFile.write(ModelFileTest.stringModel(), devNull))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("/dev/null: not a regular file (a device, FIFO or other special file); refusing to replace it");
    }
  }

  @Test
  void anInterruptedWriteLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.kindred");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> ModelFile.write(Fixtures.model(1, 300, 200, 16, false), file))
          .isInstanceOf(java.nio.channels.ClosedByInterruptException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(ModelFileTest.listing(dir)).isEmpty();
  }

  /** A temporary file left by a killed writer (a process that no longer runs) goes with the next write; a live writer's stays. */
  @Test
  void theNextWriteDeletesTheTemporaryFileOfAKilledWriter() throws IOException {
    Path orphan = Files.writeString(dir.resolve(".model.kindred.999999999.1.tmp"), "half a model");
    Path live = Files.writeString(dir.resolve(".model.kindred." + ProcessHandle.current().pid() + ".999.tmp"), "busy");
    Path other = Files.writeString(dir.resolve(".other.kindred.999999999.1.tmp"), "another file's");
    ModelFile.write(ModelFileTest.stringModel(), dir.resolve("model.kindred"));
    assertThat(orphan).doesNotExist();
    assertThat(live).exists();
    assertThat(other).exists();
    Path globby = dir.resolve("model[1]{a,b}*.kindred");
    ModelFile.write(ModelFileTest.stringModel(), globby);
    ModelFileTest.assertSameModel(ModelFile.read(globby), ModelFileTest.stringModel());
  }

  @Test
  void aFlippedFactorByteNamesItsSection() throws IOException {
    Path file = dir.resolve("model.kindred");
    ModelFile.write(ModelFileTest.numericModel(), file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[2 * ModelFile.ALIGNMENT + 5] ^= 4;
    Files.write(file, bytes);
    assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(InvalidModelFileException.class)
        .hasMessage(file + ": corrupted model file: checksum mismatch in section 'item-factors'");
  }

  /** Deferred verification opens a corrupt file, then reports the bad section through the future. */
  @Test
  void deferredVerificationReportsTheBadSectionLater() throws Exception {
    Path file = dir.resolve("model.kindred");
    LatentFactorModel m = ModelFileTest.numericModel();
    ModelFile.write(m, file);
    ModelFile.Opened good = ModelFile.open(file, ModelFile.Verification.DEFERRED);
    good.verified().get(10, java.util.concurrent.TimeUnit.SECONDS);
    ModelFileTest.assertSameModel(good.model(), m);

    byte[] bytes = Files.readAllBytes(file);
    bytes[ModelFile.ALIGNMENT + 3] ^= 8;
    Files.write(file, bytes);
    ModelFile.Opened bad = ModelFile.open(file, ModelFile.Verification.DEFERRED);
    assertThat(bad.model().numUsers()).isEqualTo(4);
    assertThatThrownBy(() -> bad.verified().get(10, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(InvalidModelFileException.class)
        .cause().hasMessage(file + ": corrupted model file: checksum mismatch in section 'user-factors'");
  }
}
