package dev.privatelink.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Comparator;
import java.util.List;

/**
 * Puts printer columns in the order a person reads them (the CRD generator sorts them by JSON
 * path, which would show AGE first). Runs at build time, when the CRDs are generated.
 */
public class PrinterColumnOrder implements CRDPostProcessor {

    static final List<String> ORDER = List.of(
            "Service Name",
            "Service",
            "Endpoint Service",
            "Auto Accept",
            "State",
            "Address",
            "Available",
            "Pending",
            "Ready",
            "Endpoint ID",
            "Age");

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            definition.getSpec().getVersions().forEach(v -> {
                if (v.getAdditionalPrinterColumns() != null) {
                    v.getAdditionalPrinterColumns().sort(Comparator.comparingInt(PrinterColumnOrder::rank));
                }
            });
        }
        return crd;
    }

    private static int rank(CustomResourceColumnDefinition column) {
        int rank = ORDER.indexOf(column.getName());
        return rank < 0 ? ORDER.size() : rank;
    }
}
