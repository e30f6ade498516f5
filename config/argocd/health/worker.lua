-- Argo CD health check for shoal.dev/Worker (one EC2 instance, created by the operator).
-- Healthy: Ready is True (Idle, Running) for the current generation, or the worker has Terminated, which
-- is the normal end of its life (idle timeout, drained queue, spot reclaim). Progressing: no status yet,
-- the operator has not seen the latest spec, or a transitional phase (Launching, WaitingForAgent,
-- Draining, Terminating). Degraded: Ready is False for a reason this script does not know.
-- Written for Lua 5.1 (Argo CD's gopher-lua) and tested with Lua 5.4.
local hs = {}

local waiting = { Launching = true, WaitingForAgent = true, Draining = true, Terminating = true }
local endOfLife = { Terminated = true }

local function findCondition(status, conditionType)
  if status.conditions == nil then
    return nil
  end
  for _, condition in ipairs(status.conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

local function describe(condition)
  local reason = condition.reason or "Ready"
  if condition.message ~= nil and condition.message ~= "" then
    return reason .. ": " .. condition.message
  end
  return reason
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on generation " .. tostring(generation)
  return hs
end

local ready = findCondition(obj.status, "Ready")
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end

if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Ready describes generation " .. tostring(ready.observedGeneration) .. ", waiting for " .. tostring(generation)
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
elseif ready.status == "False" and waiting[ready.reason] then
  hs.status = "Progressing"
  hs.message = describe(ready)
elseif ready.status == "False" and endOfLife[ready.reason] then
  hs.status = "Healthy"
  hs.message = describe(ready)
elseif ready.status == "False" then
  -- An unknown reason is shown rather than hidden as progress.
  hs.status = "Degraded"
  hs.message = describe(ready) .. " (reason not known to this health check)"
else
  hs.status = "Progressing"
  hs.message = describe(ready)
end
return hs
