package io.pullbridge;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layout of design.md section 2, checked on the main classes: features are packages with a small public
 * face, the cross-cutting modules know no feature, and only the adapters touch the Azure and Kubernetes SDKs.
 */
class ArchitectureTests {

    private static final String[] FEATURES = {"io.pullbridge.registries..", "io.pullbridge.principals..",
            "io.pullbridge.clusters..", "io.pullbridge.bindings.."};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("io.pullbridge");
        // Guards against rules passing on nothing: the main code is there, the test code is not.
        assertThat(main.contain("io.pullbridge.registries.RegistryController")).isTrue();
        assertThat(main.contain("io.pullbridge.support.Api")).isFalse();
    }

    @Test
    void modulesHaveNoDependencyCycles() {
        slices().matching("io.pullbridge.(*)..")
                .should().beFreeOfCycles()
                .check(main);
    }

    @Test
    void onlyTheAzureAdapterUsesTheAzureSdk() {
        noClasses().that().resideOutsideOfPackage("io.pullbridge.azure..")
                .should().dependOnClassesThat().resideInAPackage("com.azure..")
                .because("the azure adapter is the only code that talks to Azure (design.md section 2)")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void onlyTheKubernetesAdapterUsesTheKubernetesClient() {
        noClasses().that().resideOutsideOfPackage("io.pullbridge.kubernetes..")
                .should().dependOnClassesThat().resideInAPackage("io.kubernetes..")
                .because("the kubernetes adapter is the only code that talks to clusters (design.md section 2)")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void noCredentialPluginOrOtherProgramIsEverRun() {
        // kubelogin kubeconfigs are recognised and answered with PullBridge's own token (KubeconfigParser): nothing
        // may start a process, and nothing may load a kubeconfig through client-java, whose loader runs exec plugins.
        com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaCall<?>> runsOrLoads =
                com.tngtech.archunit.base.DescribedPredicate.describe("Runtime#exec or a client-java kubeconfig loader",
                        call -> (call.getTargetOwner().isEquivalentTo(Runtime.class) && call.getName().equals("exec"))
                                || (call.getTargetOwner().isEquivalentTo(io.kubernetes.client.util.ClientBuilder.class)
                                && List.of("standard", "defaultClient", "kubeconfig")
                                .contains(call.getName())));
        noClasses()
                .should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class,
                        io.kubernetes.client.util.KubeConfig.class, io.kubernetes.client.util.Config.class)
                .orShould().callMethodWhere(runsOrLoads)
                .because("PullBridge never runs a binary a kubeconfig names (issue 13)")
                .check(main);
    }

    @Test
    void crossCuttingModulesAndJobsKnowNoFeature() {
        noClasses().that().resideInAnyPackage("io.pullbridge.jobs..", "io.pullbridge.web..",
                        "io.pullbridge.common..", "io.pullbridge.crypto..", "io.pullbridge.audit..",
                        "io.pullbridge.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .because("features depend on the shared modules and register with jobs, never the other way round")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void bindingMethodPackagesAreUsedOnlyFromBindings() {
        noClasses().that().resideOutsideOfPackage("io.pullbridge.bindings..")
                .should().dependOnClassesThat().resideInAPackage("io.pullbridge.bindings.*..")
                .because("a binding method's package is reached through bindings' handler registry, never directly")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void bindingMethodPackagesDoNotUseEachOther() {
        assertThat(main.contain("io.pullbridge.bindings.pullsecret.PullSecretHandler")).isTrue();
        slices().matching("io.pullbridge.bindings.(*)..")
                .should().notDependOnEachOther()
                .because("what methods share lives in bindings; a new method is one new package")
                .check(main);
    }

    @Test
    void controllersAreNotPublic() {
        classes().that().areAnnotatedWith(RestController.class)
                .should().notBePublic()
                .because("a feature's controller is internal to its package")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void entitiesAreNotPublic() {
        classes().that().areAnnotatedWith(Entity.class)
                .should().notBePublic()
                .because("other features see a resource through its service and *View records, not its entity")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void repositoriesAreNotPublic() {
        classes().that().areInterfaces().and().areAssignableTo(Repository.class)
                .should().notBePublic()
                .because("other features reach stored data through the owning feature's service")
                .allowEmptyShould(true)
                .check(main);
    }
}
