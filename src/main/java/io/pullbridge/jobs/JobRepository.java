package io.pullbridge.jobs;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

interface JobRepository extends JpaRepository<Job, UUID>, JpaSpecificationExecutor<Job> {
}
