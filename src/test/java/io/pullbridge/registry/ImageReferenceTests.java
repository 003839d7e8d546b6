package io.pullbridge.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ImageReferenceTests {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void aRepositoryWithoutTagMeansLatest() {
        assertThat(ImageReference.parse("team/app")).isEqualTo(new ImageReference(null, "team/app", "latest"));
    }

    @Test
    void readsATagAndADigest() {
        assertThat(ImageReference.parse("team/app:1.4.0-rc_1")).isEqualTo(
                new ImageReference(null, "team/app", "1.4.0-rc_1"));
        ImageReference byDigest = ImageReference.parse("team/app@" + DIGEST);
        assertThat(byDigest).isEqualTo(new ImageReference(null, "team/app", DIGEST));
        assertThat(byDigest.byDigest()).isTrue();
        assertThat(byDigest).hasToString("team/app@" + DIGEST);
    }

    @Test
    void aDigestWinsOverATag() {
        assertThat(ImageReference.parse("app:1.0@" + DIGEST).reference()).isEqualTo(DIGEST);
    }

    @Test
    void aFirstComponentWithADotColonOrLocalhostIsTheRegistry() {
        assertThat(ImageReference.parse("MyAcr.azurecr.io/team/app:1")).isEqualTo(
                new ImageReference("myacr.azurecr.io", "team/app", "1"));
        assertThat(ImageReference.parse("127.0.0.1:5000/app")).isEqualTo(
                new ImageReference("127.0.0.1:5000", "app", "latest"));
        assertThat(ImageReference.parse("localhost/app:2")).isEqualTo(new ImageReference("localhost", "app", "2"));
        assertThat(ImageReference.parse("team/app").registry()).isNull();
    }

    @Test
    void asksForPullOnTheRepository() {
        assertThat(ImageReference.parse("team/app:1").pullScope()).isEqualTo("repository:team/app:pull");
    }

    @Test
    void refusesWhatNoRegistryCouldHold() {
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse(" "));
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("Team/App"))
                .withMessageContaining("Team/App");
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("app:"));
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("app:-bad"));
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("app@sha256:short"));
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("team//app"));
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("a".repeat(256)));
    }
}
