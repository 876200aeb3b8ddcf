import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { Roster, type RoomView } from '@app/member-events';

/** One online member as served over HTTP. */
export interface OnlineMemberBody {
  memberId: string;
  /** eventTime (ms since the epoch) at which the member came online. */
  since: number;
  /** Cause of the event that brought the member online (`enter`, `heartbeat_recover`...). */
  cause: string;
}

/** The members of one room. */
export interface RoomMembersBody {
  sdkAppId: string;
  roomId: string;
  members: OnlineMemberBody[];
}

/**
 * The rosters over HTTP, by application and room (room ids are unique within one Tencent app
 * only); 404 for a room no event has mentioned.
 */
@Controller('apps/:sdkAppId/rooms')
export class RoomsController {
  constructor(private readonly roster: Roster) {}

  @Get(':roomId/members')
  members(@Param('sdkAppId') sdkAppId: string, @Param('roomId') roomId: string): RoomMembersBody {
    const members = this.roster.onlineMembers(sdkAppId, roomId);
    if (members === undefined) throw new NotFoundException('room is not known');
    return { sdkAppId, roomId, members: members.map(({ memberId, since, cause }) => ({ memberId, since, cause })) };
  }

  @Get(':roomId')
  room(@Param('sdkAppId') sdkAppId: string, @Param('roomId') roomId: string): RoomView {
    const view = this.roster.view(sdkAppId, roomId);
    if (view === undefined) throw new NotFoundException('room is not known');
    return view;
  }
}
