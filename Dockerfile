# syntax=docker/dockerfile:1
#
# The Defuse service image.
#   docker build -t defuse .
#   docker run -d --name defuse -p 3978:3978 -v defuse-data:/data --env-file .env defuse
# The README's Deployment section has the whole story; docker-compose.yml runs two replicas on PostgreSQL.
#
# Two stages: "deps" installs the production dependencies from the lockfile, and the final
# image takes only the resulting node_modules. npm's cache, the dev dependencies and the rest
# of the build context never reach the image that runs.
#
# No secrets here, ever: tokens, passwords and keys are given at run time (--env-file, the
# compose file's env_file, or the orchestrator's secrets), never as ENV or ARG, which would be
# readable by anyone who can pull the image (docker history, docker inspect).

# One pinned Node 24 release for both stages, so the modules are installed by the same Node
# and npm that run them. package.json requires Node >= 24.15 (node:sqlite and .ts type
# stripping without flags). Move the pin deliberately, both lines together.
FROM node:24.21.0-slim AS deps
WORKDIR /app
# Only the manifests first: this layer and the install below are rebuilt only when the
# dependencies change, not on every source edit. .npmrc holds engine-strict=true, so a base
# image with a Node older than package.json's "engines" fails here instead of at run time.
COPY package.json package-lock.json .npmrc ./
# ci: exactly the lockfile's versions, and it fails if the lockfile and package.json disagree.
# --omit=dev: no vitest, typescript, @types/* or fast-check in the image.
# No `npm cache clean`: this stage's cache is thrown away with the stage.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24.21.0-slim
# NODE_ENV=production has a consequence in src/config.ts: with Teams on (the default) and no
# MicrosoftAppId, the service refuses to start (exit 78) rather than serve an unauthenticated
# /api/messages. So give the container either MicrosoftAppId, MicrosoftAppPassword and
# MicrosoftAppTenantId, or TEAMS_ENABLED=false (a Slack-only deployment).
# DATA_DIR=/data: the SQLite store (defuse.sqlite) lives on the volume declared below; with
# DATABASE_URL set it is unused. PORT matches EXPOSE and the health check's default.
ENV NODE_ENV=production DATA_DIR=/data PORT=3978
WORKDIR /app
# Everything below is owned by root and only readable by the runtime user: the process cannot
# rewrite its own code, content or dependencies.
COPY --from=deps /app/node_modules ./node_modules
# package.json is needed at run time ("type": "module" makes src/*.ts ES modules); the lockfile
# records exactly what node_modules holds (npm ls, image scanners).
COPY package.json package-lock.json ./
# What `node src/main.ts` reads: its own source, and prompts/ (the playbook, lexicons, models,
# drills and LLM prompts, loaded and validated at start). bin/ is the `defuse` CLI, for
# `docker exec <container> bin/defuse ...`. Not copied: manifest/ (used only when packaging the
# Teams app, on a build machine), docs/, evals/, bench/, test/.
COPY src ./src
COPY prompts ./prompts
COPY bin ./bin
# Validates prompts/ (content, drill scenarios, LLM prompts) now, so broken content fails the
# build, not the rollout; loading the content also writes its validated snapshot to
# node_modules/.cache/defuse (src/content/content-snapshot.ts), which each start then reads
# instead of parsing every YAML file again. The runtime user cannot write there, so content
# mounted over /app/prompts is simply validated at every start.
RUN node -e "Promise.all([import('./src/engine.ts'), import('./src/content/load-llm-prompts.ts')]).then(([e, l]) => { void e.createEngine().drillCatalog; l.loadLlmPrompts(); })"
# The volume's mount point must belong to the runtime user: a new named volume copies this
# directory's owner, so SQLite can create defuse.sqlite and its WAL files there. (A bind mount
# keeps the host directory's owner: chown it to uid 1000 on the host.)
RUN mkdir -p /data && chown node:node /data
VOLUME /data
# The unprivileged user (uid 1000) that the official Node images provide.
USER node
EXPOSE 3978
# /healthz answers 200 once the store and prompts/ are loaded (503 while starting or stopping).
# The slim image has no curl or wget, so Node itself asks. Exec form: node reads PORT from the
# container's environment, so a changed PORT is followed without a shell.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form, no npm and no shell in between: node is PID 1 and gets SIGTERM from `docker stop`
# itself; src/main.ts then stops accepting requests, finishes those in flight, closes the
# store and exits 0.
CMD ["node", "src/main.ts"]
