package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.IdIndex;
import dev.kindred.data.features.EncodedFeatures;
import dev.kindred.data.features.FeatureFormat;
import dev.kindred.data.features.FeatureReader;
import dev.kindred.data.features.FeatureSpace;
import dev.kindred.data.features.FeatureSpaceConfig;
import dev.kindred.data.features.FeatureTable;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The side files of the shared data sets, read in place; skipped when they are not there. */
class SharedFeatureDatasetsTest {

  @Test
  void movieLens100kItemsAndUsers() throws IOException {
    LoadResult r = InteractionReader.read(TestFiles.dataset("ml-100k/u.data"), InteractionFormat.ML_100K,
        ReadOptions.DEFAULTS);
    FeatureTable items = FeatureReader.read(TestFiles.dataset("ml-100k/u.item"), FeatureFormat.ML_100K_ITEM);
    assertThat(items.size()).isEqualTo(1682);
    EncodedFeatures enc = FeatureSpace.fitAndEncode(items, r.data().itemIndex(), FeatureSpaceConfig.DEFAULTS);
    assertThat(enc.summary().unknownIds()).isZero();
    assertThat(enc.summary().entitiesWithoutRow()).isZero();
    // Item 267 has neither a title year nor a release date: the one missing field.
    assertThat(enc.summary().missingFields()).isEqualTo(1);
    FeatureTable users = FeatureReader.read(TestFiles.dataset("ml-100k/u.user"), FeatureFormat.ML_100K_USER);
    IdIndex userIds = r.data().userIndex();
    EncodedFeatures u = FeatureSpace.fitAndEncode(users, userIds, FeatureSpaceConfig.DEFAULTS);
    assertThat(u.summary().entities()).isEqualTo(943);
    assertThat(u.matrix().nnz()).isEqualTo(943 * 4);
    assertThat(users.fields().keySet()).containsExactlyElementsOf(List.of("age", "gender", "occupation", "zip"));
  }
}
