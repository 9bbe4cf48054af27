-- The emission standard an outlet is judged against, named by the registry (until permits name each
-- outlet's limits). Before this column the emitters page chose the standard from the enterprise's name;
-- existing outlets keep that choice here, so no page changes on upgrade, and new outlets say theirs.

ALTER TABLE sites ADD COLUMN emission_standard TEXT;

UPDATE sites SET emission_standard = 'ultra_low'
WHERE kind = 'flue_gas_outlet'
  AND COALESCE((SELECT e.name FROM enterprises e WHERE e.id = sites.enterprise_id), sites.name) LIKE '%电厂%';

UPDATE sites SET emission_standard = CASE
    WHEN COALESCE((SELECT e.name FROM enterprises e WHERE e.id = sites.enterprise_id), sites.name)
         LIKE '%污水处理厂%' THEN 'gb18918_1a'
    ELSE 'gb8978_1' END
WHERE kind = 'wastewater_outlet';
