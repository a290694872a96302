"""The GraphQL documents Cloud Bridge sends to WiZ Pro."""

BUILDINGS = """
query Buildings {
  buildings { id name }
}
"""

# One request per building per poll: topology and every light's state together.
BUILDING_TOPOLOGY = """
query BuildingTopology($buildingId: String!) {
  buildingTopology(buildingId: $buildingId) {
    id
    name
    floors {
      id
      name
      rooms {
        id
        name
        favorite1 { ...Favorite }
        favorite2 { ...Favorite }
        favorite3 { ...Favorite }
        favorite4 { ...Favorite }
        roomScenes { id name }
        lights {
          id
          name
          mac
          model { id brand name hasRatio temperatureMin temperatureMax }
          currentState {
            r g b cw ww dimming sceneId speed ratio state temperature
          }
        }
        groups { id name lights { id } }
      }
    }
  }
}

fragment Favorite on FavoriteState {
  __typename
  ... on FavoriteStateStatus { status }
  ... on FavoriteStateScene { sceneId specificDimming speed }
  ... on FavoriteStateCustomWhite { temperature dimming }
  ... on FavoriteStateCustomColor { r g b cw ww dimming }
}
"""

CHANGE_LIGHT_STATE = """
mutation ChangeLightState(
  $floorId: String!, $lightId: String!, $mac: String,
  $state: PilotingLightStateInput!
) {
  result: changeLightState(
    floorId: $floorId, lightId: $lightId, provider: "WiZ", mac: $mac, state: $state
  )
}
"""

CHANGE_GROUP_STATE = """
mutation ChangeGroupState(
  $floorId: String!, $groupId: String!, $state: PilotingLightStateInput!
) {
  result: changeGroupState(floorId: $floorId, groupId: $groupId, state: $state)
}
"""

CHANGE_ROOM_STATE = """
mutation ChangeRoomState(
  $floorId: String!, $roomId: String!, $state: PilotingLightStateInput!
) {
  result: changeRoomState(
    floorId: $floorId, roomId: $roomId, provider: "WiZ", state: $state
  )
}
"""

CHANGE_FLOOR_STATE = """
mutation ChangeFloorState($floorId: String!, $state: PilotingLightStateInput!) {
  result: changeFloorState(floorId: $floorId, state: $state)
}
"""

CHANGE_BUILDING_STATE = """
mutation ChangeBuildingState(
  $buildingId: String!, $state: PilotingLightStateInput!
) {
  result: changeBuildingState(buildingId: $buildingId, state: $state)
}
"""

APPLY_ROOM_SCENE = """
mutation ApplyRoomScene($roomSceneId: String!) {
  result: applyRoomScene(roomSceneId: $roomSceneId)
}
"""
