package io.jpatroni.api.dcs;

/**
 * A key's raw text and its versions: {@code version} is the compare-and-set token,
 * {@code modifyVersion} changes whenever the value is rewritten (equal to version except in
 * ZooKeeper, where it is the mzxid).
 */
public record StoredValue(String value, long version, long modifyVersion) {

    public StoredValue(String value, long version) {
        this(value, version, version);
    }
}
