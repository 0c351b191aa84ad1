/**
 * Parquet interaction files on one machine: {@link dev.kindred.data.parquet.ParquetInteractionReader}
 * (columns by name, row groups streamed into the same {@link dev.kindred.data.InteractionAssembly}
 * the text readers use) and {@link dev.kindred.data.parquet.ParquetInteractionWriter}, through
 * parquet-java with local files ({@code LocalInputFile}, an atomic stream output) and no Hadoop
 * file system or cluster.
 *
 * <p>Why a module of its own rather than a package of kindred-data: kindred-data is a named JPMS
 * module, and parquet-java's jars are automatic modules that split packages between them
 * ({@code org.apache.parquet.io} lives in parquet-common, parquet-column and parquet-hadoop), so
 * they cannot be {@code requires}d from a module; they also weigh about 36 MB with their
 * dependencies (hadoop-client-api 19.8 MB, zstd-jni 6.5 MB, parquet-column 3.3 MB, parquet-jackson
 * 2.4 MB, snappy-java 2.4 MB, parquet-hadoop 1.7 MB, jts-core 1.2 MB, the rest under 1 MB each),
 * which a user of text files should not carry. This module has no module-info and runs on the
 * class path; kindred-cli depends on it.
 *
 * <p>Hadoop: parquet-hadoop's method signatures name Hadoop types and its read-options builder
 * loads Hadoop's codec classes, so hadoop-client-api is on the class path, but no Hadoop
 * {@code Configuration} or {@code FileSystem} is ever created: page compression goes through
 * {@code LocalCodecs} (Snappy, Zstandard, gzip or none), which is what keeps hadoop-client-runtime
 * (30 MB) out.
 */
package dev.kindred.data.parquet;
