-- A human title for a job ("Upload model.safetensors"), shown in job lists; the queue name stands in when absent.
alter table jobs add column title text;
