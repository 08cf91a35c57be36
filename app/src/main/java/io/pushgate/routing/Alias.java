package io.pushgate.routing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An extra identity of the local domain (a phone number, another name) that stands for a target. */
@Entity
@Table(name = "alias")
public class Alias {
    /** The user part the alias answers to in the local domain. */
    @Id
    @Column(length = 128)
    private String name;
    /** A local user name, or a full sip:/sips: URI (possibly in a foreign domain). */
    @Column(length = 512, nullable = false)
    private String target;

    protected Alias() {}

    public Alias(String name, String target) {
        this.name = name;
        this.target = target;
    }

    public String name() { return name; }
    public String target() { return target; }
}
