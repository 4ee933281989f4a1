-- 0014b: when each user's refused requests on a route were last audited (authz.denied is
-- written at most once per user and route a minute).
CREATE TABLE authz_denials (
  actor_sid TEXT NOT NULL,
  route     TEXT NOT NULL,
  at        INTEGER NOT NULL,
  PRIMARY KEY (actor_sid, route)
);
