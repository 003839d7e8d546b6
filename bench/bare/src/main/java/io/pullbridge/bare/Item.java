package io.pullbridge.bare;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** The one table the bare application reads. */
@Entity
@Table(name = "item")
public class Item {
    @Id
    private UUID id;
    private String name;
    private Instant createdAt;

    protected Item() {
    }

    Item(UUID id, String name, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
    }

    public UUID getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
