-- What a pull-secret binding's last pass found in its cluster: namespace counts, the first few issues, and the
-- fingerprint of the password every ready namespace holds (a rotation retires the old password only after that).
alter table bindings add column pull_secret_status jsonb;
