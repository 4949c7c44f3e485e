package dev.baton.engine.search;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code baton.elasticsearch.*}: the prefix of every index Baton owns (tests pick their own). */
@ConfigurationProperties("baton.elasticsearch")
record SearchProperties(String indexPrefix) {
    public SearchProperties {
        indexPrefix = indexPrefix == null || indexPrefix.isBlank() ? "baton" : indexPrefix;
    }
}
